"""`pulse sql`: one ad hoc query through the sandbox, printed as a table, CSV or JSON.

The query runs in a worker process forked from this one (dashboard.sql.worker): its memory and
time limits hold whatever the query does. Exit 0 with the result (a truncation notice on stderr when
rows were cut); exit 1 with a one-line error when the sandbox refuses the query or DuckDB fails it.

This process imports click, DuckDB and the sandbox, nothing more (no pyarrow, polars or rich): the
worker sends the cells as DuckDB renders them, so a small query costs about what DuckDB does
(tests/sql/test_light_commands.py, bench/bench_sql.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard.commands._common import db_option, settings_for
from dashboard.sql.errors import SqlError
from dashboard.sql.sandbox import SandboxLimits, run_query
from dashboard.sql.text_output import rows_csv, rows_json, rows_table, summary
from dashboard.sql.worker import use_direct_fork


def _read_query(query: str | None, file: Path | None) -> str:
    if (query is None) == (file is None):
        raise click.UsageError("give a query or --file, not both")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SqlError(f"cannot read {file}: {exc}; check the path and that it is UTF-8") from exc
    return query or ""


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--param")
        params[name.lstrip(":$")] = value
    return params


@click.command(name="sql")
@click.argument("query", required=False)
@click.option("--file", "-f", "file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read the query from a .sql file (saved queries live in data/queries/).")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format (stdout); row count and notices go to stderr.")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=None,
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
    use_direct_fork()  # one query per process: forking here saves starting a fork server
    settings = settings_for(db=db)
    base = SandboxLimits.for_cli(settings)
    limits = SandboxLimits(timeout if timeout is not None else base.timeout_s,
                           max_rows or base.max_rows, base.memory_limit)
    result = run_query(settings.db, _read_query(query, file), _parse_params(params), limits,
                       encoding="json" if fmt == "json" else "text")
    if fmt == "csv":
        sys.stdout.buffer.write(rows_csv(result))
        sys.stdout.flush()
    elif fmt == "json":
        click.echo(rows_json(result))
    else:
        click.echo(rows_table(result))
    click.echo(summary(result), err=True)
