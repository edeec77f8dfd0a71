"""The read API: every consumer (app, SQL sandbox, briefings, CLI) reads the warehouse here.

Readers attach the published file READ_ONLY inside a fresh in-memory database. A plain
`duckdb.connect(path)` is not enough: DuckDB caches database instances by path inside a process,
so after the loader replaces the file a second connect would return the old, stale instance.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # polars starts its thread pool on import; the SQL fork server must not have it
    import polars as pl

from etl.errors import WarehouseMissing

CATALOG_NAME = "pulse"


def warehouse_version(db: Path) -> str | None:
    """Identity of the published file: changes whenever the loader publishes; None if absent."""
    try:
        st = os.stat(db)
    except FileNotFoundError:
        return None
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def connect_readonly(db: Path, config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse as it is now."""
    if not Path(db).is_file():
        raise WarehouseMissing(f"no warehouse at {db}; run `pulse load` first (or pass --db).")
    con = duckdb.connect(":memory:", config=config or {})
    try:
        con.execute(f"ATTACH '{_sql_str(db)}' AS {CATALOG_NAME} (READ_ONLY)")
    except duckdb.IOException as exc:
        con.close()
        raise WarehouseMissing(f"cannot open the warehouse {db} ({exc}); run `pulse load` to rebuild it.") from None
    con.execute(f"USE {CATALOG_NAME}")
    con.execute(f"SET file_search_path = '{_sql_str(Path(db).parent)}'")
    return con


def _sql_str(path: Path | str) -> str:
    return str(Path(path).resolve()).replace("'", "''")


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
    """Run one statement on `con` and return the whole result as a polars frame."""
    return con.sql(sql, params=params).pl() if params else con.sql(sql).pl()


def query(db: Path, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
    """Run one read query on a short-lived connection and return a polars frame."""
    con = connect_readonly(db)
    try:
        return frame(con, sql, params)
    finally:
        con.close()


@dataclass(frozen=True)
class WarehouseInfo:
    version: str | None  # file identity (changes on every publish)
    number: int  # publish counter kept inside the warehouse
    published_at: str | None
    path: Path


def warehouse_info(db: Path) -> WarehouseInfo:
    version = warehouse_version(db)
    if version is None:
        return WarehouseInfo(None, 0, None, Path(db))
    rows = dict(query(db, "SELECT key, value FROM warehouse_info").iter_rows())
    return WarehouseInfo(version, int(rows.get("version", 0)), rows.get("published_at"), Path(db))
