"""`pulse migrate --to ducklake:postgres:…`: copy the file warehouse into a new DuckLake and check it."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.commands._common import db_option, settings_for
from etl.migrate import migrate
from etl.settings import load_settings


@click.command(name="migrate")
@db_option
@click.option("--to", "to", required=True, metavar="ducklake:postgres:DSN",
              help="The new lake's catalog, e.g. ducklake:postgres:dbname=pulse host=db1 user=pulse.")
@click.option("--data-path", "data_path", default=None,
              help="Folder or s3://bucket/prefix/ for the lake's data files (default: the data_path setting).")
def command(db: Path | None, to: str, data_path: str | None) -> None:
    """Copy every observation (all vintages), document, load, reject and telemetry row of the file
    warehouse into an empty DuckLake, then compare counts and sums table by table.

    Afterwards set `warehouse` (and `data_path`) in pulse.toml to the lake; README "Scaling out".
    """
    source = settings_for(db=db)
    lake = load_settings(db=Path(source.db), warehouse=to, data_path=data_path)
    if not str(to).startswith("ducklake:"):
        raise click.BadParameter("give the lake as ducklake:postgres:dbname=… host=…", param_hint="--to")
    done = migrate(source.db, lake.db)
    for line in done.checked:
        click.echo(f"  {line}")
    click.echo(f"Migrated {source.db} into {lake.db}: snapshot {done.snapshot}; counts and sums match.", err=True)
