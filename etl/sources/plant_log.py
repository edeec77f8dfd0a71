"""Plant logs (KIND "plant_log"): welding-line and gallium-line MES exports, CSV or Parquet.

Recognised by their columns (a `weld_id` or a `batch_id` column; see etl/plant/schema.py). Bad rows
are dropped into `row_rejects`; a file that is mostly bad is rejected whole; a CSV whose last line
is incomplete is skipped until the export is whole. The source only validates: the good rows are
returned in `Extracted.telemetry`, and the pipeline's load stage writes them as Parquet parts.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.plant.schema import LogKind
from etl.plant.telemetry import detect_kind, validate
from etl.sources.base import Extracted, SourceContext, SourceError

KIND = "plant_log"
PRIORITY = 5  # the columns are distinctive; ask before the generic table readers


def detect(path: Path, head: bytes) -> bool:
    return detect_kind(path) is not None


def _listed(con: duckdb.DuckDBPyConnection | None, kind: LogKind, warehouse_dir: Path) -> list[tuple[str, str]]:
    """(absolute path, source file name) of every part of `kind` the staging warehouse lists."""
    if con is None:
        return []
    rows = con.execute(
        "SELECT p.path, coalesce(d.file_name, p.document_id) FROM telemetry_parts p "
        "LEFT JOIN documents d USING (document_id) WHERE p.kind = ? ORDER BY p.path", [kind.name]).fetchall()
    return [(str(warehouse_dir / path), name) for path, name in rows]


def extract(path: Path, ctx: SourceContext) -> Extracted:
    kind = detect_kind(path)
    if kind is None:
        raise SourceError(f"{path.name} has neither a weld_id nor a batch_id column, so it is no plant log.")
    listed = _listed(ctx.con, kind, ctx.settings.warehouse_dir)
    got = validate(path, kind, ctx.sha256, listed, ctx.settings.telemetry_dir, ctx.settings.plant_timezone,
                   ctx.settings.max_future_days)
    days = [d for _, d in got.partitions]
    span = f"{min(days)} to {max(days)}" if days else "no days"
    label = "welding-line" if kind.name == "weld" else "gallium-line"
    return Extracted(
        title=f"{'Simulated ' if got.simulated else ''}{label} log {path.name}: {got.loaded:,} rows, {span}",
        published=None,
        row_rejects=got.rejects,
        simulated=got.simulated,
        telemetry=got,
        extra={"plant_kind": kind.name, "rows": got.rows, "rows_loaded": got.loaded, "days": len(days)},
    )
