"""After a load (or as the `alerts` job): evaluate the rules and deliver new firings with a chart card."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from dashboard.deliver import Delivery, Message, deliver, parse_targets, pick
from dashboard.i18n import t
from etl import read
from etl.alerts import Firing, evaluate, load_rules
from etl.settings import Settings

if TYPE_CHECKING:
    from dashboard.briefing.export import Renderer

log = logging.getLogger("pulse.alerts")
CARD_WIDTH, CARD_HEIGHT, CARD_POINTS = 900, 420, 36


@dataclass
class AlertRun:
    firings: list[Firing] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)

    def lines(self, only_new: bool = False) -> list[str]:
        out = []
        for f in self.firings:
            if only_new and not f.new:
                continue
            state = "snoozed until " + f.snoozed_until.isoformat() if f.snoozed_until else \
                ("new" if f.new else "already recorded")
            out.append(f"{f.rule.name}: {f.detail} [{state}]")
        return out + [d.line() for d in self.deliveries]


def check_and_deliver(settings: Settings, today: date | None = None, renderer: Renderer | None = None) -> AlertRun:
    """Evaluate data/alerts.toml; each new, unsnoozed firing goes to its rule's targets."""
    rules = load_rules(settings.alerts)
    run = AlertRun(evaluate(settings.db, rules, today))
    due = [f for f in run.firings if f.deliverable and f.rule.targets]
    if not due:
        return run
    targets = parse_targets(settings.target)
    for firing in due:
        chosen = pick(targets, firing.rule.targets, f"alert rule '{firing.rule.name}'")
        run.deliveries += deliver(settings.db, alert_message(settings, firing, renderer), chosen)
    return run


def alert_text(firing: Firing, lang: str = "zh") -> str:
    """The firing in the reader's language (the journal keeps the English `detail`)."""
    f, period = firing.facts, firing.period.isoformat()
    kind = firing.rule.kind
    if kind in ("level", "yoy"):
        return t(f"alert_{kind}_{f['side']}", lang, name=f["name"], period=period, value=f"{f['value']:g}",
                 unit=f["unit"], limit=f"{f['limit']:g}").replace(" ,", ",")
    if kind == "change":
        return t("alert_change", lang, name=f["name"], period=period, value=f"{f['value']:g}", unit=f["unit"],
                 change=f"{f['change']:+.1f}", prev=f["prev"].isoformat(), limit=f"{f['limit']:g}")
    if kind == "stale":
        return t("alert_stale", lang, name=f["name"], period=period, frequency=f["frequency"], grace=f["grace"],
                 due=f["due"].isoformat())
    return t("alert_spc", lang, subject=f["subject"], period=period, we=f["we"], detail=f["detail"])


def alert_message(settings: Settings, firing: Firing, renderer: Renderer | None = None, lang: str = "zh") -> Message:
    series_id = firing.series.split("/")[0]  # spc firings: series/chart/subject
    text = alert_text(firing, lang)
    markdown = f"### ⚠ {firing.rule.name}\n> {text}" + (f"\n{firing.rule.note}" if firing.rule.note else "")
    return Message(item=firing.item, subject=t("alert_subject", lang, rule=firing.rule.name, period=firing.period),
                   markdown=markdown, png=_card(settings, series_id, text, renderer),
                   png_name=f"{firing.rule.name}-{series_id}-{firing.period}.png")


def _card(settings: Settings, series_id: str, title: str, renderer: Renderer | None) -> bytes | None:
    """The series' recent history as a small PNG chart (the dashboard's series chart)."""
    from dashboard.briefing.export import shared_renderer  # plotly + Chromium: only when a card is due
    from dashboard.charts import series_chart

    frame = read.query(settings.db, """
        SELECT series_id, name_zh AS label, period_start, period_end, display_value AS value,
               display_unit AS unit, document, quote, derived
        FROM v_observations WHERE series_id = ? ORDER BY period_end DESC LIMIT ?""", [series_id, CARD_POINTS])
    if frame.is_empty():
        return None
    fig = series_chart(frame.sort("period_end").with_columns(pl.col("label").cast(pl.Utf8)),
                       lang="zh", title=title, height=CARD_HEIGHT)
    fig.update_layout(title={"xref": "paper", "x": 0})  # the title starts where the plot does
    return (renderer or shared_renderer()).png(fig, CARD_WIDTH, CARD_HEIGHT, 2)


def after_load(settings: Settings, published: bool, echo=print) -> None:
    """The hook `pulse load` calls: when a new warehouse was published, check the alerts. A failure
    here is one line; it never turns a good load into a failed one."""
    if not published or not settings.alerts.is_file():
        return
    try:
        lines = check_and_deliver(settings).lines(only_new=True)  # a reload repeats nothing, not even here
    except Exception as exc:  # noqa: BLE001 - the load itself succeeded; say what went wrong in one line
        log.debug("alerts after load failed", exc_info=True)
        lines = [f"alerts not checked: {exc}"]
    for line in lines:
        echo(f"alert {line}")
