"""`pulse fetch [SOURCE...]`: download what is new from the sources in sources.toml into the inbox."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard.commands._common import db_option, settings_for
from etl.errors import PulseError
from etl.fetch.config import ConfigError, load_sources
from etl.fetch.run import run_fetch


@click.command(name="fetch")
@click.argument("names", nargs=-1)
@click.option("--sources", "sources_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Sources file (default data/sources.toml, or `sources` in pulse.toml).")
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Inbox to save into, one folder per source (default data/inbox).")
@db_option
def command(names: tuple[str, ...], sources_file: Path | None, inbox: Path | None, db: Path | None) -> None:
    """Fetch the enabled sources (or the named SOURCEs, enabled or not). Exit 1 if any failed.

    Example: pulse fetch && pulse load
    """
    settings = settings_for(db=db, inbox=inbox, sources=sources_file)
    code = fetch_and_report(settings, names)
    sys.exit(code)


def fetch_and_report(settings, names: tuple[str, ...] = (), echo=click.echo) -> int:
    """Run the fetch and print one line per source plus one per failure; the exit code (0 / 1)."""
    try:
        sources, bad = load_sources(settings.sources)
    except ConfigError as exc:
        raise PulseError(str(exc), exit_code=2) from None
    if names:
        known = {s.name for s in sources}
        missing = [n for n in names if n not in known]
        if missing:
            raise PulseError(f"no source named {', '.join(missing)} in {settings.sources}; "
                             f"sources: {', '.join(sorted(known)) or 'none'}.", exit_code=2)
        chosen = [s for s in sources if s.name in names]
    else:
        chosen = [s for s in sources if s.enabled]
    for line in bad:
        echo(f"skipped {line}", err=True)
    if not chosen:
        echo(f"No enabled sources in {settings.sources}; set enabled = true or name one.")
        return 1 if bad else 0
    outcomes = run_fetch(settings, chosen)
    failed = bool(bad)
    for outcome in outcomes:
        echo(outcome.line())
        for error in outcome.errors:
            echo(f"failed {error}", err=True)
            failed = True
    return 1 if failed else 0
