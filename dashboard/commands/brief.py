"""`pulse brief`: render briefing templates (data/briefings/*.toml) as one-page PNG images."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import click
from rich.progress import Progress

from dashboard.briefing import available, load_template, parse_as_of, render
from dashboard.briefing.export import Renderer
from dashboard.briefing.template import TEMPLATES_DIR, BriefingError
from dashboard.commands._common import db_option, settings_for
from etl.errors import WarehouseMissing
from etl.read import as_of as read_as_of


@click.command(name="brief")
@click.argument("template", required=False)
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), help="PNG file to write.")
@click.option("--all", "render_all", is_flag=True, help="Render every template in data/briefings/.")
@click.option("--out-dir", type=click.Path(path_type=Path, file_okay=False), help="Folder for --all (one <name>.png each).")
@click.option("--as-of", "as_of", default=None, help="'latest' or YYYY-MM-DD: the data as it stood then (default: the template's).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language (default: the template's, usually zh).")
@click.option("--width", type=int, default=None, help="Page width in layout pixels (default: the template's, 1600).")
@click.option("--scale", type=float, default=None, help="Pixel density: the PNG is width x scale pixels wide (default 2).")
@click.option("--browser", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Chromium to render with (default: $BROWSER_PATH, else chromium on PATH).")
@db_option
def command(template: str | None, out: Path | None, render_all: bool, out_dir: Path | None, as_of: str | None,
            lang: str | None, width: int | None, scale: float | None, browser: Path | None, db: Path | None) -> None:
    """Render a briefing TEMPLATE (a name such as monthly_industry, or a .toml path) to one PNG.

    Examples: pulse brief monthly_industry --out monthly.png --as-of 2024-12-31;
    pulse brief --all --out-dir briefings/
    """
    if render_all == bool(template):
        names = ", ".join(p.stem for p in available()) or "none"
        raise click.UsageError(f"name one TEMPLATE with --out, or use --all with --out-dir (templates: {names}).")
    if template and out is None:
        raise click.UsageError("--out FILE.png is required when rendering one template.")
    if render_all and out_dir is None:
        raise click.UsageError("--out-dir DIR is required with --all.")
    settings = settings_for(db=db)
    if not settings.db.is_file():
        raise WarehouseMissing(f"no warehouse at {settings.db}; run `pulse load` first (or pass --db).")
    requested = "" if as_of is None else parse_as_of(as_of)
    # the warehouse as it stood at the end of that day (a lake's snapshot then; a file is read as it is)
    source = read_as_of(settings.db, datetime.combine(requested + timedelta(days=1), time.min, UTC)) \
        if requested else settings.db
    paths = available(TEMPLATES_DIR) if render_all else [template or ""]
    if not paths:
        raise BriefingError(f"no templates in {TEMPLATES_DIR}.")
    templates = [load_template(p).with_overrides(as_of=requested, lang=lang, width=width, scale=scale) for p in paths]
    renderer = Renderer(browser)
    try:
        with Progress(transient=True) as progress:
            task = progress.add_task("Rendering briefings", total=len(templates))
            for tpl in templates:
                target = out if out is not None else (out_dir or Path(".")) / f"{tpl.name}.png"
                briefing = render(source, tpl, renderer, max_points=settings.max_points)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(briefing.png)
                progress.advance(task)
                click.echo(f"{target}: {tpl.name}, {briefing.width}x{briefing.height} px, "
                           f"data as of {briefing.as_of.isoformat() if briefing.as_of else '— (no data found)'}")
    finally:
        renderer.close()
