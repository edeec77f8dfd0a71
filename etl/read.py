"""The read API: every consumer (app, SQL sandbox, briefings, CLI) reads the warehouse here.

`db` is the warehouse target (`settings.db`): a Path to the published file, or a LakeTarget
(DuckLake: the lake attached READ_ONLY at its current snapshot, or the one current at
`target.as_of`; the version is the snapshot id). Callers never ask which it is.

File readers attach the published file READ_ONLY inside a fresh in-memory database. A plain
`duckdb.connect(path)` is not enough: DuckDB caches database instances by path inside a process,
so after the loader replaces the file a second connect would return the old, stale instance.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # polars starts its thread pool on import; the SQL fork server must not have it
    import polars as pl

from etl.backends import lake
from etl.errors import WarehouseMissing
from etl.target import S3, LakeTarget, is_lake

CATALOG_NAME = "pulse"
Target = Path | LakeTarget


def warehouse_version(db: Target) -> str | None:
    """Identity of the published warehouse: changes whenever the loader publishes; None if absent."""
    if is_lake(db):
        try:
            con = lake.connect(db, read_only=True)
        except WarehouseMissing:
            return None
        try:
            return str(lake.snapshot(con)[0])
        finally:
            con.close()
    try:
        st = os.stat(db)
    except FileNotFoundError:
        return None
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def connect_readonly(db: Target, config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse as it is now."""
    if is_lake(db):
        return lake.connect(db, read_only=True, config=config)
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


def query(db: Target, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
    """Run one read query on a short-lived connection and return a polars frame."""
    con = connect_readonly(db)
    try:
        return frame(con, sql, params)
    finally:
        con.close()


@dataclass(frozen=True)
class WarehouseInfo:
    version: str | None  # file identity / lake snapshot id (changes on every publish)
    number: int  # publish counter kept inside the warehouse / the lake's snapshot id
    published_at: str | None
    path: Target


def warehouse_info(db: Target) -> WarehouseInfo:
    if is_lake(db):
        try:
            con = lake.connect(db, read_only=True)
        except WarehouseMissing:
            return WarehouseInfo(None, 0, None, db)
        try:
            number, when = lake.snapshot(con)
        finally:
            con.close()
        return WarehouseInfo(str(number), number, when.isoformat(timespec="seconds"), db)
    version = warehouse_version(db)
    if version is None:
        return WarehouseInfo(None, 0, None, Path(db))
    con = connect_readonly(db)  # plain rows: `pulse status` must not import polars
    try:
        rows = dict(con.execute("SELECT key, value FROM warehouse_info").fetchall())
    finally:
        con.close()
    return WarehouseInfo(version, int(rows.get("version", 0)), rows.get("published_at"), Path(db))


def as_of(db: Target, when: datetime) -> Target:
    """The warehouse as it stood at `when`: on the lake, the snapshot current then; a file has no
    history, so it is read as it is (briefings still pick the vintages published by then)."""
    return lake.at(db, when) if is_lake(db) else db


def weld_rows(con: duckdb.DuckDBPyConnection, day: date, line: str | None = None, robot: str | None = None,
              plant: str | None = None) -> pl.DataFrame:
    """Every weld of one day (optionally one line / robot / plant), in time order, from that day's files."""
    if lake.is_lake_connection(con):
        return lake_telemetry_rows(con, "weld", day, {"line": line, "robot": robot, "plant": plant})
    from etl.plant.telemetry import weld_rows as part_weld_rows

    return part_weld_rows(con, day, line=line, robot=robot, plant=plant)


def lake_telemetry_rows(con: duckdb.DuckDBPyConnection, kind: str, day: date, where: dict[str, str | None]) -> pl.DataFrame:
    """The lake's rows of one day: the filter on the partition column prunes the other days' files."""
    filters = {k: v for k, v in where.items() if v is not None}
    # the file backend's column order: the hive partition columns last
    sql = f"SELECT * EXCLUDE (load_id, plant, date), date, plant FROM telemetry_{kind} WHERE date = $day"
    sql += "".join(f" AND {k} = ${k}" for k in filters)
    order = "ts" if kind == "weld" else "started_at"
    return con.sql(sql + f" ORDER BY {order}", params={"day": day, **filters}).pl()


def warehouse_exists(db: Target) -> bool:
    """Whether a warehouse has been published at `db` (without opening it, for a file)."""
    return db.is_file() if is_lake(db) else Path(db).is_file()


def readable_directories(db: Target) -> list[str]:
    """The folders a locked-down reader (the SQL sandbox) needs: the telemetry parts, or the lake's data."""
    if is_lake(db):
        return [db.data_path]
    return [str(Path(db).resolve().parent / "telemetry") + "/"]


def target_text(db: Target) -> str:
    """`db` as one string another process of this machine can turn back (target_from_text); it holds
    the lake's credentials: never show or log it."""
    if not is_lake(db):
        return str(db)
    return json.dumps({"lake": dataclasses.asdict(db) | {"home": str(db.home)}}, default=str)


def target_from_text(text: str) -> Target:
    if not text.startswith('{"lake"'):
        return Path(text)
    fields = json.loads(text)["lake"]
    s3 = S3(**fields.pop("s3"))
    when = fields.pop("as_of")
    return LakeTarget(**{**fields, "home": Path(fields["home"]), "s3": s3,
                         "as_of": datetime.fromisoformat(when) if when else None})


def warm_readers() -> None:
    """Let DuckDB check the lake extensions' signatures once in this process (a fork server), so
    its forks load them in milliseconds. Nothing happens where the packages are not installed."""
    from etl import extensions
    from etl.errors import PulseError

    try:
        extensions.connect(("ducklake", "postgres_scanner")).close()
    except (PulseError, duckdb.Error, OSError):
        pass  # a file-only install: readers of a lake would report the missing package themselves
