"""The operations journal: what happens around the warehouse, written by many processes at once.

The warehouse is rebuilt and renamed by one writer and only read by everyone else, so records that
readers and long-lived processes must write (the app's audit trail, fetches, deliveries, alert
firings) cannot go there. They go to one SQLite file beside the warehouse: SQLite takes writers from
several processes safely (WAL, a busy timeout), needs nothing installed, and is never renamed.
Tables are declared once, in journal.sql; `record` appends a row, `recent` reads the newest ones.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA = resources.files("etl").joinpath("journal.sql").read_text(encoding="utf-8")


def journal_path(db: Path) -> Path:
    """The journal of the warehouse at `db` (beside it, never replaced by a publish)."""
    return Path(db).with_name("journal.sqlite")


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("PRAGMA busy_timeout=30000")
    _wal(con)
    # BEGIN IMMEDIATE takes the write lock up front, so a second process waits (busy timeout)
    # instead of failing "database is locked" when its read of the schema would upgrade to a write
    con.executescript(f"BEGIN IMMEDIATE;\n{SCHEMA}\nCOMMIT;")
    return con


def _wal(con: sqlite3.Connection, wait_seconds: float = 30) -> None:
    """Switch to WAL. SQLite answers "database is locked" at once, without its busy handler, while
    another process holds the new file's lock (two first writers at once), so this waits here."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def record(db: Path, table: str, **fields: Any) -> int:
    """Append one row to a journal table; `at` defaults to now (UTC). Returns the row id."""
    fields.setdefault("at", datetime.now(UTC).isoformat(timespec="seconds"))
    columns = list(fields)
    with closing(_connect(journal_path(db))) as con:
        _check_table(con, table)
        cur = con.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            [fields[c] for c in columns],
        )
        return int(cur.lastrowid or 0)


def recent(db: Path, table: str, limit: int = 200, where: str = "", params: tuple = ()) -> list[dict[str, Any]]:
    """The newest rows of a journal table (as dicts), newest first; [] when there is no journal yet."""
    path = journal_path(db)
    if not path.is_file():
        return []
    with closing(_connect(path)) as con:
        _check_table(con, table)
        con.row_factory = sqlite3.Row
        clause = f"WHERE {where}" if where else ""
        rows = con.execute(f"SELECT * FROM {table} {clause} ORDER BY id DESC LIMIT ?", [*params, limit])
        return [dict(r) for r in rows]


def _check_table(con: sqlite3.Connection, table: str) -> None:
    # table names are code constants, never user input; refuse anything not declared in journal.sql
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if table not in names:
        raise ValueError(f"journal has no table '{table}'; declare it in etl/journal.sql")
