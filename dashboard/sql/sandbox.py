"""Run one ad hoc query against the published warehouse, safely.

Every query gets its own DuckDB instance from `etl.read.connect_readonly` (an in-memory database
that ATTACHes the published file READ_ONLY and makes it the default); the sandbox then detaches
`memory`, allows only the warehouse's telemetry directory,
turns external access off and locks the configuration. Then the query runs with a time limit
enforced by `interrupt()` from a timer thread, and at most max_rows + 1 rows are fetched (the extra
row tells us the result was cut).

Why not `duckdb.connect(path, read_only=True)`: DuckDB's Python client caches one instance per
file, so a second connection with a different configuration in the same process (the dashboard's
own read-only connection) fails with "different configuration", and a cached instance keeps
reading the old file after `pulse load` has published a new one. A fresh instance per query costs
~30 ms, always sees the current published file, and never shares state between browser sessions.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dashboard.sql.checks import (
    EXTENSIONS,
    FILES,
    MAX_QUERY_CHARS,
    SETTINGS,
    WRITES,
    Checked,
    check_sql,
    first_line,
)
from dashboard.sql.errors import SqlError, SqlRefused
from dashboard.sql.text_output import unique_names
from etl.errors import WarehouseMissing
from etl.read import connect_readonly, readable_directories, warehouse_exists
from etl.settings import Settings

if TYPE_CHECKING:  # polars starts threads on import; the fork server (worker.py) must stay single-threaded
    import polars as pl  # and pyarrow costs ~0.2 s to import: `pulse sql` never needs either
    import pyarrow as pa

_BATCH_ROWS = 2048


@dataclass(frozen=True)
class SandboxLimits:
    """How long, how many rows and how much memory one query may use."""

    timeout_s: float = 1.0
    max_rows: int = 1000
    memory_limit: str = "1GB"
    threads: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    max_query_chars: int = MAX_QUERY_CHARS

    @classmethod
    def for_app(cls, settings: Settings, timeout_s: float | None = None) -> SandboxLimits:
        """The page's limits; a chosen time limit is held to sql_timeout_cap (server-side)."""
        return cls(app_timeout(settings, timeout_s), settings.sql_max_rows, settings.sql_memory_limit)

    @classmethod
    def for_download(cls, settings: Settings, timeout_s: float | None = None) -> SandboxLimits:
        return cls(app_timeout(settings, timeout_s), settings.sql_max_download_rows, settings.sql_memory_limit)

    @classmethod
    def for_cli(cls, settings: Settings) -> SandboxLimits:
        return cls(settings.sql_timeout_cli, settings.sql_max_download_rows, settings.sql_memory_limit)


def app_timeout(settings: Settings, chosen: float | None) -> float:
    """The chosen seconds (default sql_timeout_app), never above sql_timeout_cap."""
    cap = max(settings.sql_timeout_cap, 0.01)
    return min(chosen if chosen is not None and chosen > 0 else settings.sql_timeout_app, cap)


def timeout_choices(settings: Settings) -> list[float]:
    """The page's time-limit selector: the default, a few steps and the cap itself."""
    steps = {settings.sql_timeout_app, settings.sql_timeout_cap, *(s for s in (1, 5, 10, 30, 60, 120, 300))}
    return sorted(float(s) for s in steps if s <= settings.sql_timeout_cap) or [app_timeout(settings, None)]


# How the worker hands rows back: Arrow for the app; for `pulse sql` each cell as DuckDB's own text
# (table, CSV) or as JSON text (JSON), so the CLI imports neither pyarrow nor polars.
ENCODINGS = ("arrow", "text", "json")
_CELL_SQL = {"text": "CAST(#{n} AS VARCHAR)", "json": "CAST(to_json(#{n}) AS VARCHAR)"}


@dataclass(frozen=True)
class SqlRows:
    """A query's rows as text cells (None for NULL), from the "text" or "json" encodings."""

    sql: str
    columns: list[str]
    types: list[str]
    rows: list[list[str | None]]
    truncated: bool
    elapsed_s: float
    max_rows: int

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SqlResult:
    """A query's rows (Arrow), their DuckDB types, and whether max_rows cut them."""

    sql: str
    columns: list[str]
    types: list[str]
    table: pa.Table
    truncated: bool
    elapsed_s: float
    max_rows: int

    @property
    def row_count(self) -> int:
        return self.table.num_rows

    def to_polars(self) -> pl.DataFrame:
        """The rows as polars, with duplicate column names made unique (`a`, `a_2`)."""
        import polars as pl

        return pl.from_arrow(self.table.rename_columns(unique_names(self.columns)))  # type: ignore[return-value]


def format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


def open_sandbox(db: Path, limits: SandboxLimits, duckdb_memory: str | None = None) -> duckdb.DuckDBPyConnection:
    """A locked-down connection whose default database is the published warehouse, read-only.

    `duckdb_memory` overrides DuckDB's own limit (the worker sets it below its address-space cap).
    """
    con = connect_readonly(db, config={
        "threads": limits.threads,
        "memory_limit": duckdb_memory or limits.memory_limit,
        "temp_directory": "",  # no spilling: the memory limit is a limit, and nothing is written
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        # DuckDB 1.5.5: min/max over a hive partition column (plant, date of the telemetry views)
        # fails "INTERNAL Error: Attempted to access index 4 within vector of size 3" in this pass
        "disabled_optimizers": "statistics_propagation",
    })
    try:
        con.execute("DETACH memory")  # nothing writable is left but the temp catalog
        readable = ", ".join("'" + d.replace("'", "''") + "'" for d in readable_directories(db))
        con.execute(f"SET allowed_directories = [{readable}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def run_query(db: Path, sql: str, params: Mapping[str, Any] | None = None,
              limits: SandboxLimits | None = None, on_stats: Any = None, encoding: str = "arrow") -> Any:
    """Check, then run one query in a worker process (dashboard.sql.worker) under hard limits.

    A SqlResult (Arrow) for encoding "arrow", else SqlRows of text cells ("text", "json").
    SqlRefused / SqlError / WarehouseMissing on failure; `on_stats` receives the worker's
    WorkerStats (pid, peak RSS, how it ended), for the tests and the benchmark.
    """
    from dashboard.sql.worker import run_in_worker

    limits = limits or SandboxLimits()
    checked = check_sql(sql, limits.max_query_chars)
    values = bind_values(checked, params or {})
    if not warehouse_exists(db):  # the same sentence as connect_readonly, without starting a worker
        raise WarehouseMissing(f"no warehouse at {db}; run `pulse load` first (or pass --db).")
    rows, truncated, columns, types, elapsed = run_in_worker(db, checked.sql, values, limits, on_stats, encoding)
    if encoding == "arrow":
        return SqlResult(checked.sql, columns, types, rows, truncated, elapsed, limits.max_rows)
    return SqlRows(checked.sql, columns, types, rows, truncated, elapsed, limits.max_rows)


def bind_values(checked: Checked, params: Mapping[str, Any]) -> dict[str, Any]:
    missing = [name for name in checked.params if name not in params]
    if missing:
        raise SqlError(f"the query needs a value for :{missing[0]}")
    return {name: params[name] for name in checked.params}


def execute_in_sandbox(db: Path, sql: str, values: dict[str, Any], limits: SandboxLimits,
                       duckdb_memory: str | None = None, encoding: str = "arrow", after_open: Any = None,
                       ) -> tuple[Any, bool, list[str], list[str], float]:
    """Open the sandbox and run an already checked query in this process (the worker's body).

    The rows are a pyarrow Table ("arrow") or lists of text cells ("text", "json").

    No timer here: the worker's parent kills it at the deadline, which also stops functions that
    never look at DuckDB's interrupt flag.
    """
    con = open_sandbox(db, limits, duckdb_memory)
    if after_open is not None:
        after_open()  # the worker caps its address space here, before the query runs
    started = time.perf_counter()
    try:
        relation = con.sql(sql, params=values or None)
        fetch = _fetch if encoding == "arrow" else lambda rel, n: _fetch_cells(rel, n, _CELL_SQL[encoding])
        table, truncated = fetch(relation, limits.max_rows)
        columns = list(relation.columns) if relation is not None else []
        types = [str(t) for t in relation.types] if relation is not None else []
    except duckdb.Error as exc:
        raise translate_error(exc, limits) from exc
    finally:
        con.close()
    elapsed = time.perf_counter() - started
    return table, truncated, columns, types, elapsed


def time_message(limits: SandboxLimits) -> str:
    return f"time limit of {format_seconds(limits.timeout_s)} exceeded"


def memory_message(limits: SandboxLimits) -> str:
    return f"memory limit of {limits.memory_limit} exceeded; filter or aggregate more"


def _fetch_cells(relation: duckdb.DuckDBPyRelation | None, max_rows: int,
                 cell_sql: str) -> tuple[list[list[str | None]], bool]:
    """At most max_rows rows with every cell rendered by DuckDB (positional, so duplicate names work)."""
    if relation is None:
        return [], False
    cells = relation.project(", ".join(cell_sql.format(n=i + 1) for i in range(len(relation.columns))))
    rows = [list(row) for row in cells.fetchmany(max_rows + 1)]
    return rows[:max_rows], len(rows) > max_rows


def _fetch(relation: duckdb.DuckDBPyRelation | None, max_rows: int) -> tuple[pa.Table, bool]:
    """At most max_rows rows, and whether there were more (one extra row is read to know)."""
    import pyarrow as pa

    if relation is None:
        return pa.table({}), False
    reader = relation.to_arrow_reader(min(_BATCH_ROWS, max_rows + 1))
    batches: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        batches.append(batch)
        rows += batch.num_rows
        if rows > max_rows:
            break
    table = pa.Table.from_batches(batches, schema=reader.schema)
    return table.slice(0, max_rows), rows > max_rows


def translate_error(exc: duckdb.Error, limits: SandboxLimits) -> SqlRefused | SqlError:
    """DuckDB's error as one sentence: the engine's own refusals map to the sandbox's wording."""
    text = str(exc)
    if isinstance(exc, duckdb.InterruptException):
        return SqlRefused("the query was cancelled")
    if isinstance(exc, duckdb.OutOfMemoryException) or "std::bad_alloc" in text:
        return SqlRefused(memory_message(limits))
    if "read-only mode" in text or "read-only database" in text:
        return SqlRefused(WRITES)
    if "configuration has been locked" in text:
        return SqlRefused(SETTINGS)
    if isinstance(exc, duckdb.PermissionException):
        return SqlRefused(EXTENSIONS if "xtension" in text else FILES)
    return SqlError(first_line(exc))
