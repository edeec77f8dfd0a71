"""Plant logs (KIND "plant_log"): welding-line and gallium-line MES exports, CSV or Parquet.

Recognised by their columns (a `weld_id` or a `batch_id` column; see etl/plant/schema.py). Bad rows
are dropped into `row_rejects`; a file that is mostly bad is rejected whole. Good rows become
hive-partitioned Parquet under settings.telemetry_dir, and `after_load` moves them into place and
recomputes the touched days' aggregates and KPI observations on the staging warehouse.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from etl.plant import kpi
from etl.plant.telemetry import detect_kind, ingest, publish_parts
from etl.sources.base import Extracted, SourceContext, SourceError

KIND = "plant_log"
PRIORITY = 5  # the columns are distinctive; ask before the generic table readers


def detect(path: Path, head: bytes) -> bool:
    return detect_kind(path) is not None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract(path: Path, ctx: SourceContext) -> Extracted:
    kind = detect_kind(path)
    if kind is None:
        raise SourceError(f"{path.name} has neither a weld_id nor a batch_id column, so it is no plant log.")
    sha256 = ctx.sha256 or _sha256(path)
    telemetry_dir = ctx.settings.telemetry_dir
    got = ingest(path, kind, sha256, telemetry_dir)

    def after_load(con: duckdb.DuckDBPyConnection) -> None:
        parts = publish_parts(got, telemetry_dir)
        try:
            kpi.refresh(con, kind, got.partitions, telemetry_dir, sha256[:16], ctx.load_id)
        except BaseException:  # the pipeline rolls the file back: take its rows out of the telemetry too
            for part in parts:
                part.unlink(missing_ok=True)
            raise

    days = [d for _, d in got.partitions]
    span = f"{min(days)} to {max(days)}" if days else "no days"
    label = "welding-line" if kind.name == "weld" else "gallium-line"
    return Extracted(
        title=f"{'Simulated ' if got.simulated else ''}{label} log {path.name}: {got.loaded:,} rows, {span}",
        published=None,
        row_rejects=got.rejects,
        simulated=got.simulated,
        after_load=after_load,
        extra={"plant_kind": kind.name, "rows": got.rows, "rows_loaded": got.loaded, "days": len(days)},
    )
