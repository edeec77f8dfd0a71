"""`pulse load`: load every new file of the inbox and publish a new warehouse version."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dashboard.commands._common import db_option, settings_for
from dashboard.deliver import alerts
from etl import review
from etl.pipeline import LoadResult, run_load


@click.command(name="load")
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder to scan recursively (default data/inbox, or $PULSE_INBOX).")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Publication date for bulletins whose text names none (YYYY-MM-DD).")
@db_option
def command(inbox: Path | None, published, db: Path | None) -> None:
    """Load new files from the inbox. Exit 0: all loaded; 1: some rejected (see data/quarantine/)."""
    settings = settings_for(db=db, inbox=inbox)
    result = load_with_progress(settings, published.date() if published else None)
    alerts.after_load(settings, result.published_version is not None, click.echo)  # data/alerts.toml
    sys.exit(result.exit_code)


def load_with_progress(settings, published: date | None = None) -> LoadResult:
    console = Console(stderr=True, soft_wrap=True)  # a one-line reason stays one line in logs and pipes
    columns = (TextColumn("[bold]loading[/]"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("scanning", total=None)

        def progress(message: str, done: int, total: int) -> None:
            bar.update(task, description=message, completed=done, total=total)

        result = run_load(settings, published=published, progress=progress)
    report(result, console)
    held = review.held(settings).height if result.published_version else 0
    if held:
        console.print(f"{held} vintage(s) held for review (conflicting or implausible): `pulse review list`.")
    return result


def report(result: LoadResult, console: Console) -> None:
    for notice in result.notices:
        console.print(f"[yellow]note[/] {notice}", highlight=False)
    for f in result.files:
        if f.notice:
            console.print(f"[yellow]skipped for now[/] {f.notice}", highlight=False)
        elif f.status == "rejected":
            where = f" -> {f.quarantined_to}" if f.quarantined_to else ""
            console.print(f"[red]rejected[/] {f.error}{where}", highlight=False)
        elif f.status == "loaded" and f.rows_rejected:
            console.print(f"[yellow]partly loaded[/] {f.path.name}: {f.rows_rejected} row(s) rejected, "
                          "see `pulse status`", highlight=False)
    loaded, skipped, rejected = result.count("loaded"), result.count("skipped"), result.count("rejected")
    if result.published_version is None:
        if result.files:
            later = sum(1 for f in result.files if f.notice)
            not_ready = f", {later} not ready yet (see above)" if later else ""
            console.print(f"Nothing new: {skipped - later} file(s) already loaded{not_ready}; the warehouse is unchanged.")
        else:
            console.print("Nothing to load; the warehouse is unchanged.")
        return
    remapped = f", {result.remapped} statistic(s) newly mapped" if result.remapped else ""
    console.print(
        f"Load {result.load_id}: {loaded} file(s) loaded ({result.rows} rows), {skipped} skipped, "
        f"{rejected} rejected{remapped}; published warehouse version {result.published_version}."
    )
