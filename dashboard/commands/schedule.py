"""`pulse schedule run | list`: the [[schedule]] tables of pulse.toml (cron + jobs)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from dashboard.commands._common import db_option, settings_for
from dashboard.deliver.scheduler import (
    Runner,
    ScheduleError,
    first_due,
    last_due,
    parse_schedules,
    runner_lock,
)


@click.group(name="schedule")
def command() -> None:
    """Run fetch / load / brief / alerts on cron schedules ([[schedule]] in pulse.toml)."""


def _echo(line: str) -> None:
    click.echo(f"{datetime.now().isoformat(sep=' ', timespec='seconds')} {line}")


@command.command(name="run")
@db_option
def run(db: Path | None) -> None:
    """Run the schedules until SIGTERM / Ctrl-C (the current job finishes first)."""
    from dashboard.deliver.jobs_run import JobRunner

    settings = settings_for(db=db)
    schedules = parse_schedules(settings.schedule)
    if not schedules:
        raise ScheduleError("no [[schedule]] in pulse.toml; add one (README \"Pull and deliver\").")
    with runner_lock(settings.db):
        jobs = JobRunner(settings, _echo)
        runner = Runner(settings, schedules, jobs, _echo)
        runner.install_signals()
        try:
            runner.run()
        finally:
            jobs.close()


@command.command(name="list")
@click.option("--count", type=int, default=3, help="How many next runs to show per schedule.")
@db_option
def list_schedules(count: int, db: Path | None) -> None:
    """Each schedule with its jobs, last run and next runs."""
    settings = settings_for(db=db)
    now = datetime.now()
    schedules = parse_schedules(settings.schedule)
    if not schedules:
        click.echo("No [[schedule]] in pulse.toml; README \"Pull and deliver\" shows one.")
    for s in schedules:
        last = last_due(settings.db, s)
        runs = [first_due(settings.db, s, now)]
        while len(runs) < count:
            runs.append(s.next_after(runs[-1]))
        click.echo(f"{s.name}: cron '{s.cron}', jobs {' → '.join(s.jobs)}; last run "
                   f"{last.isoformat(sep=' ', timespec='seconds') if last else 'never'}")
        for r in runs:
            click.echo(f"  next {r.isoformat(sep=' ', timespec='seconds')}")
