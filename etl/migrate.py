"""`pulse migrate --to ducklake:…`: copy a file warehouse into a new DuckLake, then check it.

Everything a load ever wrote is copied as it is (ids included): the catalog, loads, documents,
observations with all their vintages, rejects, review decisions, the plant aggregates, and the raw
telemetry from the listed Parquet parts into the lake's telemetry tables. The copy is one
transaction (one snapshot); afterwards every table's row count and the sums of its numeric
columns are compared between the file and the lake, and any difference is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import read
from etl.backends import lake
from etl.errors import PulseError
from etl.target import LakeTarget, is_lake

# tables copied row for row (the lake has the same ones, from the same migrations)
TABLES = ("series", "loads", "documents", "observations", "rejects", "review_decisions", "warehouse_info",
          "plant_weld_robot_shift", "plant_weld_robot_daily", "plant_weld_line_daily", "plant_weld_defects",
          "plant_gallium_batches")
# publish stamps of the file backend (the lake's version is its snapshot id) and its obs_current
# marks (etl/current.py; on the lake obs_current is a view)
SKIPPED_INFO = ("version", "published_at", "obs_current_sha256", "obs_current_through")
TELEMETRY = ("weld", "gallium")


@dataclass
class Migration:
    snapshot: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    checked: list[str] = field(default_factory=list)  # "table: N rows, sum(col) = x", one per table


def migrate(source: Path, target: LakeTarget) -> Migration:
    """Copy the published file warehouse at `source` into the empty lake `target`, then check it."""
    if is_lake(source):
        raise PulseError(f"{source} is already a lake; `pulse migrate` copies a file warehouse (--db) into one.")
    src = read.connect_readonly(source)
    try:
        con = lake.open_writer(target)
        try:
            if con.execute("SELECT count(*) FROM documents").fetchone()[0]:
                raise PulseError(f"the lake {target} already holds documents; migrate into a new, empty lake.")
            done = Migration()
            for table in TABLES:
                done.rows[table] = _copy(src, con, table, _columns(src, con, table))
            for kind in TELEMETRY:
                done.rows[f"telemetry_{kind}"] = _copy_telemetry(src, con, kind, Path(source).parent)
            done.snapshot = lake.publish(con, _views())
        except BaseException:
            lake.discard(con)
            raise
        done.checked = check(src, target)
    finally:
        src.close()
    return done


def _views() -> list[tuple[str, str]]:
    from etl.warehouse import VIEWS, _sql_files

    return _sql_files(VIEWS)


def _columns(src: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    have = [r[0] for r in src.execute(f"DESCRIBE {table}").fetchall()]
    lake_cols = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    return [c for c in have if c in lake_cols]


def _copy(src: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> int:
    cols = ", ".join(columns)
    where = f" WHERE key NOT IN {SKIPPED_INFO}" if table == "warehouse_info" else ""
    reader = src.execute(f"SELECT {cols} FROM {table}{where}").to_arrow_reader()
    con.register("_migrating", reader)
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _migrating")
    finally:
        con.unregister("_migrating")
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _copy_telemetry(src: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection, kind: str, folder: Path) -> int:
    parts = src.execute("SELECT path, load_id FROM telemetry_parts WHERE kind = ? ORDER BY path", [kind]).fetchall()
    if not parts:
        return 0
    lake_cols = [r[0] for r in con.execute(f"DESCRIBE telemetry_{kind}").fetchall()]
    files = [str(folder / p) for p, _ in parts]
    src.execute("CREATE OR REPLACE TEMP TABLE _part_loads AS SELECT unnest($paths) AS filename, unnest($loads) AS load_id",
                {"paths": files, "loads": [load for _, load in parts]})
    cols = ", ".join(f"p.{c}" if c != "load_id" else "l.load_id" for c in lake_cols)
    reader = src.execute(f"""SELECT {cols} FROM read_parquet($files, hive_partitioning = true, filename = true,
                                 hive_types = {{'plant': VARCHAR, 'date': DATE}}) p
                             JOIN temp._part_loads l USING (filename)""", {"files": files}).to_arrow_reader()
    con.register("_migrating", reader)
    try:
        con.execute(f"INSERT INTO telemetry_{kind} SELECT * FROM _migrating")
    finally:
        con.unregister("_migrating")
    return con.execute(f"SELECT count(*) FROM telemetry_{kind}").fetchone()[0]


# ---- the check ----------------------------------------------------------------------------------

def _fingerprint_sql(con: duckdb.DuckDBPyConnection, table: str, source: str) -> str:
    """count(*) and the sum of every numeric column of `table`, as one row."""
    numeric = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()
               if r[1] in ("BIGINT", "INTEGER", "DOUBLE", "DECIMAL", "HUGEINT")]
    sums = "".join(f", sum({c})::DOUBLE AS sum_{c}" for c in numeric)
    where = f" WHERE key NOT IN {SKIPPED_INFO} AND key <> 'views_sha256'" if table == "warehouse_info" else ""
    return f"SELECT count(*) AS rows{sums} FROM {source}{where}"


def _telemetry_source(src: duckdb.DuckDBPyConnection, kind: str) -> str | None:
    files = [r[0] for r in src.execute("SELECT path FROM telemetry_parts WHERE kind = ?", [kind]).fetchall()]
    if not files:
        return None
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    return f"read_parquet([{listed}], hive_partitioning = true, hive_types = {{'plant': VARCHAR, 'date': DATE}})"


def check(src: duckdb.DuckDBPyConnection, target: LakeTarget) -> list[str]:
    """Compare counts and sums table by table; PulseError naming every table that differs."""
    dst = read.connect_readonly(target)
    try:
        lines, wrong = [], []
        for table in (*TABLES, *(f"telemetry_{k}" for k in TELEMETRY)):
            kind = table.removeprefix("telemetry_")
            source = _telemetry_source(src, kind) if table.startswith("telemetry_") else table
            if source is None:
                continue
            sql = _fingerprint_sql(dst, table, "{}")
            cols = [c.split(" AS ")[-1] for c in sql.split(", ")[1:]]
            # the sums the lake table has columns for, asked of both sides
            there = dst.execute(sql.format(table)).fetchone()
            here = src.execute(_restrict(sql, cols, src, source).format(source)).fetchone()
            if tuple(round(v, 6) if isinstance(v, float) else v for v in there) != \
                    tuple(round(v, 6) if isinstance(v, float) else v for v in here):
                wrong.append(f"{table}: file {here}, lake {there}")
            lines.append(f"{table}: {there[0]:,} rows" + (f", sums {there[1:]}" if len(there) > 1 else ""))
        if wrong:
            raise PulseError("the lake differs from the file after the copy: " + "; ".join(wrong)
                             + ". The lake keeps the copy for inspection; migrate again into a new, empty lake.")
        return lines
    finally:
        dst.close()


def _restrict(sql: str, cols: list[str], src: duckdb.DuckDBPyConnection, source: str) -> str:
    """The same fingerprint for the file side (telemetry parts have no load_id column: it sums to 0 there)."""
    have = {r[0] for r in src.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    for col in cols:
        name = col.removeprefix("sum_")
        if name not in have:
            sql = sql.replace(f"sum({name})::DOUBLE", "NULL::DOUBLE")
    return sql
