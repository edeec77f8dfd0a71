"""Keep the plant aggregate tables and KPI observations current, one touched day at a time.

After a plant log loads, every (plant, day) it touched is recomputed from *all* of that day's
Parquet parts (so a late file for an old day updates that day), and the day's KPI observations are
inserted again; the newer load supersedes in v_observations. The work is proportional to the days
the file touched, not to the history.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from etl.plant.schema import WELD, LogKind
from etl.plant.telemetry import partition_dir

_SQL = Path(__file__).parent / "sql"


@cache
def sql(name: str) -> list[str]:
    """The statements of etl/plant/sql/<name>.sql (comment lines dropped, split on ';')."""
    text = "\n".join(line for line in (_SQL / f"{name}.sql").read_text().splitlines()
                     if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def _files(telemetry_dir: Path, kind: LogKind, partitions: list[tuple[str, date]]) -> list[str]:
    files: list[str] = []
    for plant, day in partitions:
        folder = partition_dir(telemetry_dir, kind.name, plant, day)
        files += sorted(str(p) for p in folder.glob("*.parquet"))
    return files


def refresh(
    con: duckdb.DuckDBPyConnection,
    kind: LogKind,
    partitions: list[tuple[str, date]],
    telemetry_dir: Path,
    document_id: str,
    load_id: str,
) -> None:
    """Recompute the aggregates and KPI observations of `partitions` on `con` (the staging warehouse)."""
    if not partitions:
        return
    con.execute(
        "CREATE OR REPLACE TEMP TABLE plant_refresh AS SELECT unnest($plants) AS plant, unnest($days) AS day",
        {"plants": [p for p, _ in partitions], "days": [d for _, d in partitions]},
    )
    files = _files(telemetry_dir, kind, partitions)
    name = "weld" if kind is WELD else "gallium"
    try:
        if files:
            con.execute(sql(f"{name}_source")[0], {"files": files})
        for statement in sql(f"{name}_refresh"):
            if files or statement.startswith("DELETE"):  # no parts left: the days are emptied
                con.execute(statement)
        con.execute(sql("kpi_observations")[0], {"document_id": document_id, "load_id": load_id})
    finally:
        for table in ("plant_refresh", "plant_welds_src", "plant_gallium_src"):
            con.execute(f"DROP TABLE IF EXISTS temp.{table}")

