"""The plant models: aggregates per file from its staged rows (load stage), KPI observations per load (derive).

Models are .sql files in etl/plant/sql. The aggregates of every (plant, day) a file has good rows for
are computed in the file's own DuckDB connection while its validated rows are in hand
(`aggregate_staged`, called by the load stage right after the rows are stored): from the staged rows
plus the rows of those days' *earlier* parts (a late file for an old day, or a second file of the
same day, so the day's aggregates stay whole), never from the parts this file just wrote. The few
aggregate rows go to the staging warehouse in the file's transaction (a rejected file takes its
aggregates back out). The derive stage then inserts the KPI observations of every day the load touched
from the aggregate tables; the newer load supersedes in v_observations. Control limits are views over
the aggregates. The work is proportional to the file and the days touched, not to the history.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from etl.backends.lake import append_with_ids, is_lake_connection
from etl.plant.schema import KINDS

if TYPE_CHECKING:
    from etl.plant.telemetry import Validated

_SQL = Path(__file__).parent / "sql"
_LAKE_SQL = Path(__file__).parent.parent / "backends" / "sql"  # the lake's sources read its tables

# Per log kind: the aggregate tables, in the order of <kind>_aggregates.sql's SELECTs.
AGGREGATES = {
    "weld": ("plant_weld_robot_shift", "plant_weld_robot_daily", "plant_weld_line_daily", "plant_weld_defects"),
    "gallium": ("plant_gallium_batches",),
}
DAYS_PER_BATCH = 7  # a week of welds at the real rate (~1.8 M rows) bounds the quantiles' memory
_HIVE = "hive_partitioning = true, hive_types = {'plant': VARCHAR, 'date': DATE}"


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


def aggregate_staged(con: duckdb.DuckDBPyConnection, got: Validated, warehouse_dir: Path, document_id: str) -> None:
    """Recompute the aggregates of the file's (plant, day)s from its staged rows; write them to `con`.

    `con` is the staging warehouse inside the file's transaction; got.con holds the staged rows.
    """
    assert got.con is not None, "aggregate_staged after close"
    if not got.partitions:
        return
    kind = got.kind.name
    _days_table(con, got.partitions)
    earlier = _earlier_parts(con, kind, document_id, warehouse_dir)
    _earlier_rows(got, earlier)
    results = _compute(got, document_id, with_earlier=bool(earlier))
    for name, rows in results.items():
        con.register(name, rows)
    try:
        for statement in sql(f"{kind}_refresh"):
            con.execute(statement)
    finally:
        for name in results:
            con.unregister(name)
    con.execute("DROP TABLE IF EXISTS temp.plant_refresh")


def _compute(got: Validated, document_id: str, with_earlier: bool) -> dict[str, pa.Table]:
    """agg_<table> -> the aggregate rows of the file's days, computed in its own connection, a batch of days at a time."""
    assert got.con is not None
    kind = got.kind.name
    batches: dict[str, list[pa.Table]] = {f"agg_{table}": [] for table in AGGREGATES[kind]}
    statements = sql(f"{kind}_aggregates")
    setup, selects = statements[:-len(AGGREGATES[kind])], statements[-len(AGGREGATES[kind]):]
    for first, last in _day_batches(got.partitions):  # dates (isoformat): safe as SQL literals
        got.con.execute(sql(f"{kind}_source")[int(with_earlier)].format(first=first.isoformat(), last=last.isoformat()))
        for statement in setup:  # e.g. the weld groupings, computed in one read of the batch's rows
            got.con.execute(statement)
        for table, select in zip(AGGREGATES[kind], selects, strict=True):
            params = {"document_id": document_id} if "$document_id" in select else None
            batches[f"agg_{table}"].append(got.con.execute(select, params).to_arrow_table())  # a few rows a day
    return {name: pa.concat_tables(tables) for name, tables in batches.items()}


def _day_batches(partitions: list[tuple]) -> list[tuple[date, date]]:
    """The file's days as (first, last) ranges of at most DAYS_PER_BATCH days each."""
    days = sorted({d for _, d in partitions})
    return [(days[i], days[min(i + DAYS_PER_BATCH, len(days)) - 1]) for i in range(0, len(days), DAYS_PER_BATCH)]


def _days_table(con: duckdb.DuckDBPyConnection, partitions: list[tuple]) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE plant_refresh AS SELECT unnest($plants) AS plant, unnest($days) AS day",
        {"plants": [p for p, _ in partitions], "days": [d for _, d in partitions]},
    )


def _earlier_parts(con: duckdb.DuckDBPyConnection, kind: str, document_id: str, warehouse_dir: Path) -> list[str]:
    """Parts other files wrote for the file's (plant, day)s (those in plant_refresh): usually none."""
    return [str(warehouse_dir / r[0]) for r in con.execute(
        "SELECT path FROM telemetry_parts t SEMI JOIN plant_refresh r USING (plant, day) "
        "WHERE t.kind = $kind AND t.document_id <> $doc ORDER BY path", {"kind": kind, "doc": document_id}).fetchall()]


def _earlier_rows(got: Validated, files: list[str]) -> None:
    """plant_earlier in the file's connection: the rows of `files` (read only when there are some)."""
    assert got.con is not None
    if files:
        got.con.execute(f"CREATE OR REPLACE TEMP TABLE plant_earlier AS SELECT * FROM read_parquet($files, {_HIVE})",
                        {"files": files})


def derive(con: duckdb.DuckDBPyConnection, warehouse_dir: Path, load_id: str) -> int:
    """Insert the KPI observations of the days `load_id` wrote parts for; returns the (kind, plant, day)s.

    File backend: reads the aggregate tables only (the load stage kept them current); on the lake the
    aggregates are recomputed here first. `warehouse_dir` is unused and kept for the callers' signature."""
    touched = 0
    lake = is_lake_connection(con)
    for kind in KINDS:
        days = con.execute(
            f"SELECT plant, date, max(document_id) FROM telemetry_{kind.name} WHERE load_id = $load GROUP BY ALL"
            if lake else
            "SELECT plant, day, max(document_id) FROM telemetry_parts WHERE load_id = $load AND kind = $kind "
            "GROUP BY ALL", {"load": load_id} if lake else {"load": load_id, "kind": kind.name}).fetchall()
        if days:
            if lake:
                _refresh_lake(con, kind.name, days, load_id)
            else:
                _observations(con, days, load_id)
            touched += len(days)
    return touched


def _observations(con: duckdb.DuckDBPyConnection, days: list[tuple], load_id: str) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE plant_refresh AS "
        "SELECT unnest($plants) AS plant, unnest($days) AS day, unnest($docs) AS document_id",
        {"plants": [p for p, _, _ in days], "days": [d for _, d, _ in days], "docs": [x for _, _, x in days]},
    )
    con.execute(sql("kpi_observations")[0], {"load_id": load_id})
    # Dropped only on success: after a failure the transaction is aborted, and a DROP would hide
    # the real error behind "Current transaction is aborted".
    con.execute("DROP TABLE IF EXISTS temp.plant_refresh")


def _refresh_lake(con: duckdb.DuckDBPyConnection, kind: str, days: list[tuple], load_id: str) -> None:
    """On the lake the aggregates are recomputed here from its telemetry tables (the file backend's
    load stage computes them from the staged rows and reads earlier Parquet parts, which a lake has not)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE plant_refresh AS "
        "SELECT unnest($plants) AS plant, unnest($days) AS day, unnest($docs) AS document_id",
        {"plants": [p for p, _, _ in days], "days": [d for _, d, _ in days], "docs": [x for _, _, x in days]},
    )
    con.execute(sql(f"{kind}_source", lake=True)[0])
    for statement in sql(f"{kind}_refresh", lake=True):
        con.execute(statement)
    # the KPI rows get their ids on the way into the lake (lake.append_with_ids)
    con.execute("CREATE OR REPLACE TEMP TABLE _new_observations AS SELECT * FROM observations LIMIT 0")
    con.execute(sql("kpi_observations", lake=True)[0].replace(
        "INSERT INTO observations (", "INSERT INTO temp._new_observations (", 1), {"load_id": load_id})
    append_with_ids(con, "observations", "temp._new_observations")
    for table in ("_new_observations", "plant_refresh", "plant_welds_src", "plant_gallium_src"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")
