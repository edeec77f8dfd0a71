"""Render-and-deliver jobs used by `pulse deliver` and `pulse schedule run`."""

from __future__ import annotations

from dashboard.briefing import load_template, render
from dashboard.briefing.export import Renderer
from dashboard.deliver import Delivery, Message, deliver, parse_targets, pick
from etl.errors import WarehouseMissing
from etl.settings import Settings


def briefing_message(settings: Settings, template_name: str, renderer: Renderer | None = None) -> Message:
    template = load_template(template_name)
    if not settings.db.is_file():
        raise WarehouseMissing(f"no warehouse at {settings.db}; run `pulse load` first (or pass --db).")
    briefing = render(settings.db, template, renderer, max_points=settings.max_points)
    title = template.text("title", template.lang)
    as_of = briefing.as_of.isoformat() if briefing.as_of else "—"
    label = "数据截至" if template.lang == "zh" else "Data as of"
    markdown = f"### {title}\n{template.text('subtitle', template.lang)}\n> {label} {as_of}".replace("\n\n", "\n")
    return Message(item=f"briefing:{template.name}", subject=f"{title} ({as_of})", markdown=markdown,
                   png=briefing.png, png_name=f"{template.name}-{as_of}.png")


def deliver_briefing(settings: Settings, template_name: str, target_names: list[str] | tuple[str, ...],
                     renderer: Renderer | None = None) -> list[Delivery]:
    targets = pick(parse_targets(settings.target), target_names, f"briefing {template_name}")
    message = briefing_message(settings, template_name, renderer)
    return deliver(settings.db, message, targets)
