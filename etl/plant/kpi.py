"""The derive stage's plant models: aggregates, then KPI observations, for the days a load touched.

Models are .sql files in etl/plant/sql, run in the declared order MODELS after every file of the
load is in (control limits are views over the aggregates, created at publish). Every (plant, day)
this load wrote a part for is recomputed from *all* of that day's listed parts (so a late file for
an old day updates that day), and the day's KPI observations are inserted again; the newer load
supersedes in v_observations. The work is proportional to the days touched, not to the history.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

from etl.backends.lake import append_with_ids, is_lake_connection
from etl.plant.schema import KINDS

_SQL = Path(__file__).parent / "sql"
_LAKE_SQL = Path(__file__).parent.parent / "backends" / "sql"  # the lake's sources read its tables

# (model, what it reads) in the order they run, per log kind: sources, then aggregates, then KPIs.
MODELS = {
    "weld": ("weld_source", "weld_refresh", "kpi_observations"),
    "gallium": ("gallium_source", "gallium_refresh", "kpi_observations"),
}


@cache
def sql(name: str, lake: bool = False) -> list[str]:
    """The statements of etl/plant/sql/<name>.sql (comment lines dropped, split on ';').

    On the lake: its own source files, and INSERT OR REPLACE as INSERT (no keys there; each
    refresh deletes the day's rows first)."""
    folder = _LAKE_SQL if lake and (_LAKE_SQL / f"{name}.sql").is_file() else _SQL
    text = "\n".join(line for line in (folder / f"{name}.sql").read_text().splitlines()
                     if not line.lstrip().startswith("--"))
    if lake:
        text = text.replace("INSERT OR REPLACE INTO", "INSERT INTO")
    return [s.strip() for s in text.split(";") if s.strip()]


def derive(con: duckdb.DuckDBPyConnection, warehouse_dir: Path, load_id: str) -> int:
    """Run the plant models for the days `load_id` wrote parts for; returns the (kind, plant, day)s."""
    touched = 0
    lake = is_lake_connection(con)
    for kind in KINDS:
        days = con.execute(
            f"SELECT plant, date, max(document_id) FROM telemetry_{kind.name} WHERE load_id = $load GROUP BY ALL"
            if lake else
            "SELECT plant, day, max(document_id) FROM telemetry_parts WHERE load_id = $load AND kind = $kind "
            "GROUP BY ALL", {"load": load_id} if lake else {"load": load_id, "kind": kind.name}).fetchall()
        if days:
            _refresh(con, kind.name, days, warehouse_dir, load_id, lake)
            touched += len(days)
    return touched


def _refresh(con: duckdb.DuckDBPyConnection, kind: str, days: list[tuple], warehouse_dir: Path, load_id: str,
             lake: bool = False) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE plant_refresh AS "
        "SELECT unnest($plants) AS plant, unnest($days) AS day, unnest($docs) AS document_id",
        {"plants": [p for p, _, _ in days], "days": [d for _, d, _ in days], "docs": [x for _, _, x in days]},
    )
    source, refresh, kpis = MODELS[kind]
    if lake:
        con.execute(sql(source, lake)[0])
    else:
        files = [str(warehouse_dir / r[0]) for r in con.execute(
            "SELECT path FROM telemetry_parts t SEMI JOIN plant_refresh r USING (plant, day) WHERE t.kind = $kind "
            "ORDER BY path", {"kind": kind}).fetchall()]
        con.execute(sql(source)[0], {"files": files})
    for statement in sql(refresh, lake):
        con.execute(statement)
    if lake:  # the KPI rows get their ids on the way into the lake (lake.append_with_ids)
        con.execute("CREATE OR REPLACE TEMP TABLE _new_observations AS SELECT * FROM observations LIMIT 0")
        con.execute(sql(kpis, lake)[0].replace("INSERT INTO observations (", "INSERT INTO temp._new_observations (", 1),
                    {"load_id": load_id})
        append_with_ids(con, "observations", "temp._new_observations")
        con.execute("DROP TABLE temp._new_observations")
    else:
        con.execute(sql(kpis)[0], {"load_id": load_id})
    # Dropped only on success: after a failure the transaction is aborted, and a DROP would hide
    # the real error behind "Current transaction is aborted".
    for table in ("plant_refresh", "plant_welds_src", "plant_gallium_src"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")
