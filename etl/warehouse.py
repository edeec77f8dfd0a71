"""Building and publishing the warehouse without ever writing what readers read.

File backend (a Path): the writer takes an exclusive lock, copies the published file to a staging
file, migrates and loads it, then atomically renames it over the published file. A crash at any
point leaves the published file as it was; the next run discards the stale staging file.

DuckLake backend (a LakeTarget, etl/backends/lake.py): no lock and no copy; the load is one
transaction on the lake and its commit is the publish (one new snapshot). Callers use the
functions here with the target (`settings.db`) and never ask which backend it is.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import current, parts
from etl.backends import lake
from etl.catalog import Catalog
from etl.errors import PulseError
from etl.plant import store as plant_store
from etl.plant.kpi import aggregate_staged
from etl.plant.schema import MAX_REJECT_DETAILS, MOSTLY_BAD
from etl.plant.telemetry import Validated
from etl.plant.validate import PARQUET_COLUMNS
from etl.records import RowReject, SourceError
from etl.target import LakeTarget, is_lake

Target = Path | LakeTarget
MAX_TRIES = lake.MAX_TRIES
is_conflict = lake.is_conflict
conflict_error = lake.conflict_error

MIGRATIONS = "etl.migrations"
VIEWS = "etl.views"


def _sql_files(package: str) -> list[tuple[str, str]]:
    files = [f for f in resources.files(package).iterdir() if f.name.endswith(".sql")]
    return [(f.name, f.read_text(encoding="utf-8")) for f in sorted(files, key=lambda f: f.name)]


def writer_lock(db: Target):
    """File: one writer at a time, a second `pulse load` waits its turn. Lake: writers run at once."""
    return nullcontext() if is_lake(db) else _file_lock(db)


@contextmanager
def _file_lock(db: Path) -> Iterator[None]:
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def staging_path(db: Path) -> Path:
    return db.with_name(db.name + ".staging")


def open_staging(db: Target, applied: list[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A writable copy of the published warehouse (or a new one), migrated. Hold writer_lock.
    On the lake: the lake itself, migrated, inside the load's transaction.

    The names of the migrations this applied are added to `applied` when given (a migrated
    warehouse is worth publishing even when no file is new)."""
    if is_lake(db):
        return lake.open_writer(db, applied)
    staging = staging_path(db)
    for stale in (staging, staging.with_name(staging.name + ".wal")):
        stale.unlink(missing_ok=True)
    if db.is_file():
        shutil.copyfile(db, staging)
    con = duckdb.connect(str(staging))
    con.execute(f"SET file_search_path = '{str(db.parent.resolve())}'")
    done = apply_migrations(con)
    if "004_telemetry_parts.sql" in done:
        parts.adopt(con, db.parent)
    if applied is not None:
        applied += done
    return con


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT current_timestamp)"
    )
    done = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, sql in _sql_files(MIGRATIONS):
        if name in done:
            continue
        con.execute("BEGIN")
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
        con.execute("COMMIT")
        applied.append(name)
    return applied


def _parts_list(con: duckdb.DuckDBPyConnection, kind: str) -> str:
    """The listed parts of `kind` as a SQL list literal: what the raw-telemetry macros read."""
    paths = [r[0] for r in con.execute(
        "SELECT path FROM telemetry_parts WHERE kind = ? ORDER BY path", [kind]).fetchall()]
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Every view file, in name order; {weld_parts} / {gallium_parts} become the listed part paths."""
    lists = {"{weld_parts}": _parts_list(con, "weld"), "{gallium_parts}": _parts_list(con, "gallium")}
    if lake.is_lake_connection(con):
        lake.create_views(con, _sql_files(VIEWS))
        return
    for name, sql in _sql_files(VIEWS):
        for key, value in lists.items():
            sql = sql.replace(key, value)
        try:
            if name == current.VIEW_FILE:
                current.build(con, sql)  # only the keys that changed since the last publish
            else:
                con.execute(sql)
        except duckdb.Error as exc:
            raise PulseError(f"view file etl/views/{name} failed: {exc}") from exc


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple], replace: bool = False
) -> None:
    """Bulk insert through Arrow: DuckDB's executemany costs about a millisecond per row."""
    if not rows:
        return
    if lake.is_lake_connection(con):
        _lake_insert(con, table, columns, rows, replace)
        return
    batch = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    con.register("_insert_batch", batch)
    try:
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        cols = ", ".join(columns)
        con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM _insert_batch")
    finally:
        con.unregister("_insert_batch")


def insert_select(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], select_sql: str,
                  params: dict | None = None, source: duckdb.DuckDBPyConnection | None = None) -> int:
    """INSERT ... SELECT of `columns` from a query run on `source` (a cursor of `con`; default `con`).
    No row passes through Python. On the lake the load's transaction began before `source` made its
    scratch tables, so it cannot see them: the rows stream over as Arrow batches, and the table's ids
    are given on the way in, numbered in the query's order. Returns the rows inserted."""
    cols = ", ".join(columns)
    if not lake.is_lake_connection(con):
        return con.execute(f"INSERT INTO {table} ({cols}) {select_sql}", params or {}).fetchone()[0]
    reader = (source or con).execute(select_sql, params or {}).to_arrow_reader()
    con.register("_pulse_insert_rows", reader)
    try:
        picked, names = cols, cols
        if table in lake.ID_COLUMNS and lake.ID_COLUMNS[table] not in columns:
            column = lake.ID_COLUMNS[table]
            picked = f"{cols}, {lake.next_id(con, table)} - 1 + row_number() OVER () AS {column}"
            names = f"{cols}, {column}"
        return con.execute(f"INSERT INTO {table} ({names}) SELECT {picked} FROM _pulse_insert_rows").fetchone()[0]
    finally:
        con.unregister("_pulse_insert_rows")


def _lake_insert(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple],
                 replace: bool) -> None:
    if replace:  # the first column is the key (series_id, key)
        lake.upsert(con, table, columns[0], columns, rows)
        return
    if table in lake.ID_COLUMNS and lake.ID_COLUMNS[table] not in columns:  # ids given on the way in
        base = lake.next_id(con, table)
        columns = [*columns, lake.ID_COLUMNS[table]]
        rows = [(*r, base + i) for i, r in enumerate(rows)]
    batch = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    con.register("_insert_batch", batch)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _insert_batch")
    finally:
        con.unregister("_insert_batch")


def set_info(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """One warehouse_info entry (written only when it changes: on the lake an upsert is a delete)."""
    insert_rows(con, "warehouse_info", ["key", "value"], [(key, value)], replace=True)


def fill_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Ids for rows inserted by SQL files without one (the lake has no sequences; a no-op on files)."""
    if lake.is_lake_connection(con):
        lake.fill_ids(con)


SERIES_COLUMNS = ["series_id", "name_zh", "name_en", "subject", "category", "unit", "display_unit",
                  "display_factor", "frequency", "kind", "cumulative", "family", "aliases", "description", "base"]


def refresh_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog, force: bool = False) -> None:
    """Upsert every catalog series (series added by sources, e.g. plant KPIs, are kept).

    Skipped when the rows are the ones the warehouse last upserted (their digest in warehouse_info)
    and `force` (a migration ran) is not set: rewriting ~100 equal rows cost every load ~20 ms, and
    as much again in the publish's CHECKPOINT (issue 17). Only this function writes the catalog's rows."""
    rows = [
        (s.id, s.name_zh, s.name_en, s.subject, s.category, s.unit, s.display_unit, s.display_factor,
         s.frequency, s.kind, s.cumulative, s.family, list(s.aliases), s.description, s.base)
        for s in catalog.series.values()
    ]
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    stored = con.execute("SELECT value FROM warehouse_info WHERE key = 'series_sha256'").fetchone()
    if not force and stored is not None and stored[0] == digest:
        return
    insert_rows(con, "series", SERIES_COLUMNS, rows, replace=True)
    set_info(con, "series_sha256", digest)


def publish(con: duckdb.DuckDBPyConnection, db: Target) -> int:
    """Stamp a new version, make the staging file durable, and rename it over the published one.
    On the lake: commit the transaction; the new snapshot's id is the version."""
    if is_lake(db):
        return lake.publish(con, _sql_files(VIEWS))
    number = con.execute(
        "SELECT coalesce(max(CAST(value AS INTEGER)), 0) + 1 FROM warehouse_info WHERE key = 'version'"
    ).fetchone()[0]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    con.executemany(
        "INSERT OR REPLACE INTO warehouse_info VALUES (?, ?)", [("version", str(number)), ("published_at", now)]
    )
    create_views(con)
    con.execute("CHECKPOINT")
    con.close()
    staging = staging_path(db)
    _fsync(staging)
    os.replace(staging, db)
    _fsync(db.parent)
    return number


def discard_staging(con: duckdb.DuckDBPyConnection | None, db: Target) -> None:
    if is_lake(db):
        lake.discard(con)
        return
    if con is not None:
        try:
            con.close()
        except duckdb.Error:
            pass
    staging_path(db).unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- one file of a load, and its telemetry ------------------------------------------------------

def begin_file(con: duckdb.DuckDBPyConnection, db: Target) -> None:
    """A file's own transaction (file backend); on the lake the load's transaction is already open."""
    if not is_lake(db):
        con.execute("BEGIN")


def commit_file(con: duckdb.DuckDBPyConnection, db: Target) -> None:
    if not is_lake(db):
        con.execute("COMMIT")


def rollback_file(con: duckdb.DuckDBPyConnection, db: Target, document_id: str, load_id: str, path: str,
                  written: list[str]) -> None:
    """Take a failed file back out: its transaction (file) or its rows (lake), and its parts."""
    if is_lake(db):
        lake.undo_file(con, document_id, load_id, path)
        return
    con.execute("ROLLBACK")
    parts.remove(db.parent, written)


def prepare_load(con: duckdb.DuckDBPyConnection, db: Target) -> None:
    """Before a load: remove the telemetry parts no published warehouse lists (file backend)."""
    if not is_lake(db):
        parts.remove_orphans(con, db.parent)  # the staging copy lists what is published


PART_COLUMNS = ["path", "kind", "plant", "day", "rows", "document_id", "load_id"]


def store_telemetry(con: duckdb.DuckDBPyConnection, db: Target, got: Validated, file_name: str, document_id: str,
                    load_id: str, written: list[str]) -> tuple[int, list[RowReject]]:
    """The load stage of a plant log: (rows stored, rows refused here).

    File backend: Parquet parts listed in telemetry_parts (their paths are added to `written`).
    Lake: rows into the day-partitioned lake table; ids the lake already holds are refused here
    (the file backend's validator finds them in the listed parts)."""
    if not is_lake(db):
        written_parts = plant_store.store_telemetry(con, got, db.parent, load_id, document_id)
        written += [p.path for p in written_parts]
        insert_rows(con, "telemetry_parts", PART_COLUMNS, [
            (p.path, p.kind, p.plant, p.day, p.rows, document_id, load_id) for p in written_parts])
        aggregate_staged(con, got, db.parent, document_id)  # from the rows in hand, not the parts
        return sum(p.rows for p in written_parts), []
    assert got.con is not None, "store_telemetry after close"
    rows, seen = lake.write_telemetry(con, got.con, got.kind.name, PARQUET_COLUMNS[got.kind.name],
                                      got.kind.id_column, document_id, load_id)
    col = got.kind.id_column
    refused = [RowReject(None, f"{col} {i} is already loaded from {name}") for i, name in seen]
    bad = got.rows - got.loaded + len(seen)
    if got.rows and bad > got.rows * MOSTLY_BAD:
        example = refused[0].reason if refused else (got.rejects[0].reason if got.rejects else "")
        raise SourceError(f"{file_name}: {bad:,} of {got.rows:,} rows are bad (e.g. {example}); "
                          "the whole file is quarantined — fix the export and load it again.")
    if len(refused) > MAX_REJECT_DETAILS:
        more = len(refused) - MAX_REJECT_DETAILS
        refused = refused[:MAX_REJECT_DETAILS] + [RowReject(None, f"... and {more:,} more rows rejected "
                                                                  f"(first {MAX_REJECT_DETAILS:,} listed)")]
    return rows, refused
