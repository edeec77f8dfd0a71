"""`pulse alerts`: check the rules of data/alerts.toml, list firings, snooze a rule."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from dashboard.commands._common import db_option, settings_for
from etl import journal
from etl.alerts import load_rules, snooze


@click.group(name="alerts")
def command() -> None:
    """Alert rules (data/alerts.toml): `check` evaluates and delivers, `list` shows firings, `snooze`."""


@command.command(name="check")
@click.option("--rules", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Rules file (default data/alerts.toml, or `alerts` in pulse.toml).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge staleness as of this day (YYYY-MM-DD; default today).")
@db_option
def check(rules: Path | None, today, db: Path | None) -> None:
    """Evaluate every rule; deliver new firings to their targets. Exit 1 if a delivery failed."""
    from dashboard.deliver.alerts import check_and_deliver  # renders charts: import only when needed

    settings = settings_for(db=db, alerts=rules)
    run = check_and_deliver(settings, today.date() if today else None)
    for line in run.lines() or [f"No alert fires ({len(load_rules(settings.alerts))} rule(s) checked)."]:
        click.echo(line)
    sys.exit(1 if any(d.status != "sent" for d in run.deliveries) else 0)


@command.command(name="list")
@click.option("--limit", type=int, default=50, help="How many of the newest firings to show.")
@db_option
def list_firings(limit: int, db: Path | None) -> None:
    """The newest firings (rule, series, period, value, snoozed)."""
    settings = settings_for(db=db)
    for row in journal.recent(settings.db, "alert_firings", limit):
        quiet = f" (snoozed until {row['snoozed_until']})" if row["snoozed_until"] else ""
        click.echo(f"{row['at']}  {row['rule']}  {row['series']}  {row['period']}  {row['detail']}{quiet}")


@command.command(name="snooze")
@click.argument("rule")
@click.option("--until", "until", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Last day of the snooze (YYYY-MM-DD); firings are recorded but not delivered.")
@click.option("--rules", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Rules file.")
@db_option
def snooze_rule(rule: str, until, rules: Path | None, db: Path | None) -> None:
    """Snooze RULE until a day (inclusive)."""
    settings = settings_for(db=db, alerts=rules)
    names = [r.name for r in load_rules(settings.alerts)]
    if rule not in names:
        raise click.UsageError(f"no rule '{rule}' in {settings.alerts} (rules: {', '.join(names) or 'none'}).")
    day: date = until.date()
    snooze(settings.db, rule, day)
    click.echo(f"{rule}: snoozed until {day.isoformat()} (firings are recorded, not delivered).")
