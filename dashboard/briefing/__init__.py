"""PNG briefings: a TOML template -> data as of a date -> one page figure -> one PNG.

    render(db, template, renderer=None, max_points=2000) -> Briefing   # png bytes, size, as-of date
    load_template(name_or_path) -> Template                            # data/briefings/<name>.toml or a path

The page is one Plotly figure built from dashboard.charts builders and exported once by a warm
Chromium (dashboard.briefing.export). Template format: docs/briefings.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import plotly.graph_objects as go

from dashboard.briefing.compose import compose
from dashboard.briefing.export import Renderer, shared_renderer
from dashboard.briefing.gather import Gathered, gather
from dashboard.briefing.template import BriefingError, Template, available, load_template, parse_as_of

__all__ = ["Briefing", "BriefingError", "Template", "available", "build", "load_template", "parse_as_of", "render"]


@dataclass(frozen=True)
class Briefing:
    png: bytes
    width: int  # pixels of the PNG (layout width x scale)
    height: int
    as_of: date | None  # None: the briefing found no data at all
    figure: go.Figure


def build(db: Path, template: Template, max_points: int = 2000) -> tuple[go.Figure, Gathered]:
    """The page figure (no browser needed) and the data behind it."""
    gathered = gather(db, template)
    return compose(gathered, template.lang, template.width, template.height, max_points), gathered


def render(db: Path, template: Template, renderer: Renderer | None = None, max_points: int = 2000) -> Briefing:
    """Gather, compose and export one briefing as PNG bytes (one browser render)."""
    renderer = renderer or shared_renderer()
    fig, gathered = build(db, template, max_points)
    width, height = int(fig.layout.width), int(fig.layout.height)
    png = renderer.png(fig, width, height, template.scale)
    as_of = gathered.shown_until  # what the header says
    return Briefing(png, round(width * template.scale), round(height * template.scale), as_of, fig)
