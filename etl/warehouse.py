"""Building and publishing the warehouse without ever writing the file readers open.

The writer takes an exclusive lock, copies the published file to a staging file, migrates and
loads it, then atomically renames it over the published file. A crash at any point leaves the
published file as it was; the next run discards the stale staging file.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import parts
from etl.catalog import Catalog
from etl.errors import PulseError

MIGRATIONS = "etl.migrations"
VIEWS = "etl.views"


def _sql_files(package: str) -> list[tuple[str, str]]:
    files = [f for f in resources.files(package).iterdir() if f.name.endswith(".sql")]
    return [(f.name, f.read_text(encoding="utf-8")) for f in sorted(files, key=lambda f: f.name)]


@contextmanager
def writer_lock(db: Path) -> Iterator[None]:
    """One writer at a time; a second `pulse load` waits its turn."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def staging_path(db: Path) -> Path:
    return db.with_name(db.name + ".staging")


def open_staging(db: Path, applied: list[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A writable copy of the published warehouse (or a new one), migrated. Hold writer_lock.

    The names of the migrations this applied are added to `applied` when given (a migrated
    warehouse is worth publishing even when no file is new)."""
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
    for name, sql in _sql_files(VIEWS):
        for key, value in lists.items():
            sql = sql.replace(key, value)
        try:
            con.execute(sql)
        except duckdb.Error as exc:
            raise PulseError(f"view file etl/views/{name} failed: {exc}") from exc


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple], replace: bool = False
) -> None:
    """Bulk insert through Arrow: DuckDB's executemany costs about a millisecond per row."""
    if not rows:
        return
    batch = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    con.register("_insert_batch", batch)
    try:
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        cols = ", ".join(columns)
        con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM _insert_batch")
    finally:
        con.unregister("_insert_batch")


SERIES_COLUMNS = ["series_id", "name_zh", "name_en", "subject", "category", "unit", "display_unit",
                  "display_factor", "frequency", "kind", "cumulative", "family", "aliases", "description", "base"]


def refresh_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Upsert every catalog series (series added by sources, e.g. plant KPIs, are kept)."""
    rows = [
        (s.id, s.name_zh, s.name_en, s.subject, s.category, s.unit, s.display_unit, s.display_factor,
         s.frequency, s.kind, s.cumulative, s.family, list(s.aliases), s.description, s.base)
        for s in catalog.series.values()
    ]
    insert_rows(con, "series", SERIES_COLUMNS, rows, replace=True)


def publish(con: duckdb.DuckDBPyConnection, db: Path) -> int:
    """Stamp a new version, make the staging file durable, and rename it over the published one."""
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


def discard_staging(con: duckdb.DuckDBPyConnection | None, db: Path) -> None:
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
