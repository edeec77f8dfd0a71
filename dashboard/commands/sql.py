"""`pulse sql`: one ad hoc query through the sandbox, printed as a table, CSV or JSON.

The query runs in a worker process forked from this one (dashboard.sql.worker): its memory and
time limits hold whatever the query does. Exit 0 with the result (a truncation notice on stderr when
rows were cut); exit 1 with a one-line error when the sandbox refuses the query or DuckDB fails it.

The plain forms never reach this module: dashboard.entry runs them through
dashboard.sql.command_line without importing click (no pyarrow, polars or rich either), so a small
query costs about what DuckDB does (tests/sql/test_light_commands.py, bench/bench_sql.py). This
click command declares the options for `--help` and words every usage error; both run
command_line.run.
"""

from __future__ import annotations

import math
from pathlib import Path

import click

from dashboard.commands._common import db_option
from dashboard.sql.command_line import SqlArgs, param_pair, run


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):  # FloatRange lets nan and inf through
        raise click.BadParameter(f"{value} is not a number of seconds.")
    return value


def _check_pairs(pairs: tuple[str, ...]) -> tuple[str, ...]:
    for pair in pairs:
        if param_pair(pair) is None:
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--param")
    return pairs


@click.command(name="sql")
@click.argument("query", required=False)
@click.option("--file", "-f", "file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read the query from a .sql file (saved queries live in data/queries/).")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format (stdout); row count and notices go to stderr.")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=None, callback=_finite,
              help="Seconds the query may run (default sql_timeout_cli, 30).")
@click.option("--max-rows", type=click.IntRange(min=1), default=None,
              help="Most rows returned (default sql_max_download_rows, 100000).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A value for a :NAME parameter (repeatable); bound by DuckDB, never pasted in.")
def command(query: str | None, file: Path | None, db: Path | None, fmt: str, timeout: float | None,
            max_rows: int | None, params: tuple[str, ...]) -> None:
    """Run one read-only query against the warehouse.

    Only SELECT / WITH / VALUES / DESCRIBE / SHOW / SUMMARIZE / EXPLAIN, one statement; no files,
    no settings, no extensions. Example: pulse sql "SELECT * FROM v_latest LIMIT 5"
    """
    if (query is None) == (file is None):
        raise click.UsageError("give a query or --file, not both")
    run(SqlArgs(query, file, db, fmt, timeout, max_rows, _check_pairs(params)))
