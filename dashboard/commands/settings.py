"""`pulse settings`: every setting, its current value and what it does."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from dashboard.commands._common import settings_for
from etl.settings import describe_settings


@click.command(name="settings")
def command() -> None:
    """List every setting with its value (defaults < pulse.toml < PULSE_* env < flags)."""
    table = Table("setting", "value", "env variable", "what it does")
    for name, value, help_text in describe_settings(settings_for()):
        table.add_row(name, value, f"PULSE_{name.upper()}", help_text)
    Console(width=160).print(table)
