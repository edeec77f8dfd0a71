"""`pulse deliver TEMPLATE --to TARGET...`: render a briefing and send it to [[target]]s of pulse.toml."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard.briefing.export import Renderer
from dashboard.commands._common import db_option, settings_for
from dashboard.deliver.jobs import deliver_briefing


@click.command(name="deliver")
@click.argument("template")
@click.option("--to", "targets", multiple=True, required=True, help="A [[target]] name (repeatable).")
@click.option("--browser", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Chromium to render with (default: $BROWSER_PATH, else chromium on PATH).")
@db_option
def command(template: str, targets: tuple[str, ...], browser: Path | None, db: Path | None) -> None:
    """Render briefing TEMPLATE and deliver it; one line per target. Exit 1 if any target failed.

    Example: pulse deliver monthly_industry --to ops-mail --to wecom-group
    """
    settings = settings_for(db=db)
    renderer = Renderer(browser)
    try:
        results = deliver_briefing(settings, template, targets, renderer)
    finally:
        renderer.close()
    for result in results:
        click.echo(result.line(), err=result.status != "sent")
    sys.exit(1 if any(r.status != "sent" for r in results) else 0)
