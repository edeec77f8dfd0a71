"""`pulse up`: load the inbox (bundled data on a first run), then serve the app."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.commands._common import db_option, settings_for
from dashboard.commands.load import load_with_progress
from dashboard.commands.serve import anonymous_options, prepare, serve


@click.command(name="up")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8501).")
@click.option("--no-serve", is_flag=True, help="Load only; do not start the app.")
@anonymous_options
@db_option
def command(host: str | None, port: int | None, no_serve: bool, db: Path | None, allow_anonymous: bool,
            allow_anonymous_load: bool) -> None:
    """Load the inbox (with a simulated plant history on a first run), then serve the dashboard."""
    settings = settings_for(db=db, host=host, port=port)
    if not no_serve:  # refuse an unsafe address before a long load, not after it
        prepare(settings, allow_anonymous, allow_anonymous_load)
    _ensure_plant_history(settings.inbox)
    load_with_progress(settings)  # rejected files are reported; the app still starts
    if no_serve:
        return

    serve(settings, allow_anonymous, allow_anonymous_load)


def _ensure_plant_history(inbox: Path) -> None:
    try:
        from etl.plant.simulate import ensure_bundled_history
    except ImportError:  # plant telemetry not installed in this build
        return
    ensure_bundled_history(inbox)
