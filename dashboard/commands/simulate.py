"""`pulse simulate`: write simulated plant logs (welding line, gallium line) as the MES exports them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from rich.console import Console

from dashboard.commands._common import settings_for
from etl.plant.simulate import SimConfig, simulate


@click.command(name="simulate")
@click.option("--days", type=click.IntRange(1, 3660), required=True, help="How many days to simulate.")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="First day (YYYY-MM-DD; default: DAYS days before today).")
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same files.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder to write to (default <inbox>/plant).")
@click.option("--weld-interval", type=click.FloatRange(0.5, 86_400), default=2.0, show_default=True,
              help="Seconds between two welds of one robot (the real line: about 2).")
@click.option("--per", "group", type=click.Choice(["day", "month"]), default="day", show_default=True,
              help="One file per day or per month.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Format of the weld logs (gallium logs are always CSV).")
def command(days: int, start: datetime | None, seed: int, out: Path | None, weld_interval: float,
            group: str, fmt: str) -> None:
    """Write simulated welding-line and gallium-line logs (marked simulated) for `pulse load`."""
    first = start.date() if start else date.fromordinal(date.today().toordinal() - days)
    target = out or settings_for().inbox / "plant"
    console = Console(stderr=True)
    with console.status(f"simulating {days} day(s) from {first} into {target}"):
        files = simulate(SimConfig(first, days, seed, weld_interval, group, fmt), target)
    size = sum(f.stat().st_size for f in files)
    console.print(f"Wrote {len(files)} simulated plant log(s), {size / 1e6:.1f} MB, into {target}; "
                  "run `pulse load` to load them.", highlight=False)
