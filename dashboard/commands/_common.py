"""Options shared by every subcommand."""

from __future__ import annotations

from pathlib import Path

import click

from etl.settings import Settings, load_settings

db_option = click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Warehouse file (default data/warehouse/pulse.duckdb, or $PULSE_DB).",
)


def settings_for(**overrides) -> Settings:
    return load_settings(**overrides)
