"""`pulse status`: what the published warehouse holds, its last load and its rejects.

Rows come straight from DuckDB (etl.status.status_rows): no polars or pyarrow for a printout.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dashboard.commands._common import db_option, settings_for
from etl.read import warehouse_info
from etl.status import status_rows


@click.command(name="status")
@db_option
@click.option("--unmapped", "show_unmapped", is_flag=True, help="List every unmapped statistic.")
def command(db: Path | None, show_unmapped: bool) -> None:
    """Warehouse version, counts, last load, rejects, unmapped statistics."""
    settings = settings_for(db=db)
    console = Console(width=140)
    info = warehouse_info(settings.db)  # the snapshot id on a lake, the publish counter in a file
    if info.version is None:
        console.print(f"No warehouse at {settings.db} yet; run `pulse load`.")
        return
    tables = status_rows(settings.db)
    console.print(f"Warehouse {settings.db} — version {info.number}, published {info.published_at}")
    _print(console, "Counts", tables["counts"])
    _print(console, "Last loads", tables["loads"])
    _print(console, "Rejects (latest 20)", tables["rejects"])
    unmapped = tables["unmapped"]
    console.print(f"Unmapped statistics: {len(unmapped[1])} (extend data/catalog.toml, then `pulse load`).")
    if show_unmapped:
        _print(console, "Unmapped", unmapped)


def _print(console: Console, title: str, columns_rows: tuple[list[str], list[tuple]]) -> None:
    columns, rows = columns_rows
    table = Table(*columns, title=title, title_justify="left")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
