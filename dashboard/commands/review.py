"""`pulse review`: the vintages held at load (conflicting or implausible) and deciding them."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dashboard.commands._common import db_option, settings_for
from etl import review

LIST_COLUMNS = ("review_id", "series_id", "period_label", "held_value", "current_value", "display_unit",
                "publisher", "published", "reason")


@click.group(name="review")
def command() -> None:
    """Held vintages: list them, accept one (it becomes current) or reject one (kept, never shown)."""


@command.command(name="list")
@db_option
@click.option("--decided", is_flag=True, help="List past decisions instead (who, when, what).")
def list_held(db: Path | None, decided: bool) -> None:
    """The held vintages with the reason each was held."""
    settings = settings_for(db=db)
    console = Console(width=160)
    frame = review.decisions(settings) if decided else review.held(settings)
    if frame.is_empty():
        console.print("No decisions yet." if decided else "Nothing is held for review.")
        return
    columns = frame.columns if decided else [c for c in LIST_COLUMNS if c in frame.columns]
    table = Table(*columns, title="Review decisions" if decided else "Held for review", title_justify="left")
    for row in frame.select(columns).iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def _decide(action: str):
    @db_option
    @click.argument("review_id", type=int)
    def run(db: Path | None, review_id: int) -> None:
        settings = settings_for(db=db)
        done = review.decide(settings, review_id, action, user="local")
        click.echo(f"review ID {done.review_id} {done.decision} by {done.decided_by}; "
                   f"published warehouse version {done.published_version}.")
    run.__doc__ = {"accept": "Accept a held vintage: it becomes current where it ranks first.",
                   "reject": "Reject a held vintage: it stays stored with status rejected."}[action]
    return click.command(name=action)(run)


command.add_command(_decide("accept"))
command.add_command(_decide("reject"))
