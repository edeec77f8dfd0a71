"""obs_current (etl/views/005_obs_current.sql) kept up to date at publish without re-ranking every
observation (issue 17: the full build cost 2.4 s of a load at 1M rows, and as much again for a load
of 10k new rows into a 1M-row warehouse).

The file's SELECT is the one definition of the current vintage. At publish, only the keys (series,
period start, period end) that can have changed are ranked again with that same SELECT, restricted
to those keys: their rows in obs_current are deleted and the restricted SELECT's rows inserted.
A key can have changed when
- an observation row was added since the last build (obs_id above `obs_current_through` in
  warehouse_info: ids only grow), or
- code changed an existing row's status or mapping and said so with `touch` (the contract: every
  UPDATE of observations rows at or below the mark that can change what is current calls it;
  review decisions, the remap of unmapped rows). A row that moves to another key is touched
  before and after the change.
Everything is built again from scratch when obs_current is missing, when the view file's text or
the columns of the tables it reads changed (a migration), or when no mark is stored.
Only the file backend keeps the table; on the lake obs_current is a view (etl/backends/lake.py).
"""

from __future__ import annotations

import hashlib

import duckdb

from etl.errors import PulseError

VIEW_FILE = "005_obs_current.sql"
HEAD = "CREATE OR REPLACE TABLE obs_current AS"
SOURCE = "FROM observations o "  # the restricted build replaces this one FROM of the view file
TOUCHED = "temp.obs_current_touched"
KEYS = ("series_id", "period_start", "period_end")
# keys compare NULL-safe: a statistic may have no period start
_ON = "t.series_id = {x}.series_id AND t.period_start IS NOT DISTINCT FROM {x}.period_start AND t.period_end = {x}.period_end"


def touch(con: duckdb.DuckDBPyConnection, where_sql: str, params: list | dict | None = None) -> None:
    """Mark the keys of the observations matching `where_sql` to be ranked again at publish."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS obs_current_touched "
                "(series_id VARCHAR, period_start DATE, period_end DATE)")
    con.execute(f"INSERT INTO {TOUCHED} SELECT {', '.join(KEYS)} FROM observations "
                f"WHERE series_id IS NOT NULL AND ({where_sql})", params or [])


def build(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Bring obs_current up to date from the view file's text `sql`; returns 'full' or 'incremental'."""
    if sql.count(HEAD) != 1 or sql.count(SOURCE) != 1:
        raise PulseError(f"view file etl/views/005_obs_current.sql must hold one '{HEAD}' statement reading "
                         f"'{SOURCE.strip()}' once (etl/current.py restricts that FROM); fix the file.")
    digest = _digest(con, sql)
    info = dict(con.execute("SELECT key, value FROM warehouse_info WHERE key IN "
                            "('obs_current_sha256', 'obs_current_through')").fetchall())
    top = con.execute("SELECT coalesce(max(obs_id), 0) FROM observations").fetchone()[0]
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'obs_current' "
                         "AND database_name = current_database() AND NOT temporary").fetchone()[0]
    if not exists or info.get("obs_current_sha256") != digest or "obs_current_through" not in info:
        con.execute(sql)
        kind = "full"
    else:
        _incremental(con, sql, int(info["obs_current_through"]))
        kind = "incremental"
    from etl import warehouse  # etl.warehouse calls this module at publish

    if info.get("obs_current_sha256") != digest:
        warehouse.set_info(con, "obs_current_sha256", digest)
    if info.get("obs_current_through") != str(top):
        warehouse.set_info(con, "obs_current_through", str(top))
    con.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
    return kind


def _incremental(con: duckdb.DuckDBPyConnection, sql: str, through: int) -> None:
    touch(con, "obs_id > ?", [through])
    keys = "temp.obs_current_keys"
    con.execute(f"CREATE OR REPLACE TEMP TABLE obs_current_keys AS SELECT DISTINCT {', '.join(KEYS)} FROM {TOUCHED}")
    try:
        if not con.execute(f"SELECT count(*) FROM {keys}").fetchone()[0]:
            return
        con.execute(f"DELETE FROM obs_current c USING {keys} t WHERE {_ON.format(x='c')}")
        restricted = f"FROM (SELECT x.* FROM observations x SEMI JOIN {keys} t ON {_ON.format(x='x')}) o "
        select = sql.replace(HEAD, "INSERT INTO obs_current", 1).replace(SOURCE, restricted, 1)
        con.execute(select)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {keys}")


def _digest(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The view file's text and the columns of the tables it reads: either changing means obs_current's
    rows (or its columns) may differ from what a restricted build would add."""
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name IN ('observations', 'documents', 'loads') AND NOT internal ORDER BY table_name, column_index"
    ).fetchall()
    return hashlib.sha256((sql + "\n" + repr(columns)).encode()).hexdigest()
