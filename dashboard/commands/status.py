"""`pulse status`: what the published warehouse holds, its last load and its rejects."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dashboard.commands._common import db_option, settings_for
from etl.read import query, warehouse_info
from etl.status import status_frames


@click.command(name="status")
@db_option
@click.option("--unmapped", "show_unmapped", is_flag=True, help="List every unmapped statistic.")
def command(db: Path | None, show_unmapped: bool) -> None:
    """Warehouse version, counts, last load, rejects, unmapped statistics."""
    settings = settings_for(db=db)
    console = Console(width=140)
    info = warehouse_info(settings.db)
    if info.version is None:
        console.print(f"No warehouse at {settings.db} yet; run `pulse load`.")
        return
    console.print(f"Warehouse {settings.db} — version {info.number}, published {info.published_at}")
    frames = status_frames(settings.db)
    _print(console, "Counts", frames["counts"])
    _print(console, "Last loads", frames["loads"])
    _print(console, "Rejects (latest 20)", frames["rejects"])
    unmapped = frames["unmapped"]
    console.print(f"Unmapped statistics: {unmapped.height} (extend data/catalog.toml, then `pulse load`).")
    if show_unmapped:
        _print(console, "Unmapped", query(settings.db, "SELECT * FROM v_unmapped"))


def _print(console: Console, title: str, frame) -> None:
    table = Table(*frame.columns, title=title, title_justify="left")
    for row in frame.iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
