"""One colour rule per kind of number, used by the cards, the Plant page and the briefings.

Market and economic values (prices, output, credit): the Chinese convention, red = up, green =
down, in both languages, so a colour means the same on every page and in every export.
Quality (yield, recovery, defects, voltage drop): red = worse, green = better; whether up is
better depends on the metric (a higher yield is better, more defects are worse).
"""

from __future__ import annotations

RED, GREEN, NEUTRAL = "#cf2e2e", "#1e8e4e", "#5d6d7e"

# Words in a plant series id / column name that say which way is better.
_LOWER_IS_BETTER = ("defect", "vdrop", "fail", "reject", "scrap", "mr")
_HIGHER_IS_BETTER = ("fpy", "yield", "recovery", "recovered", "pass")


def quality_better(name: str) -> int:
    """+1 when a higher value is better, -1 when lower is better, 0 when neither (counts of welds)."""
    words = name.lower().replace("-", "_").split("_")
    if any(w.startswith(k) for w in words for k in _LOWER_IS_BETTER):
        return -1
    if any(w.startswith(k) for w in words for k in _HIGHER_IS_BETTER):
        return 1
    return 0


def change_color(direction: int, better: int | None = None) -> str:
    """The colour of a change: market rule when `better` is None, quality rule otherwise."""
    if direction == 0:
        return NEUTRAL
    if better is None:
        return RED if direction > 0 else GREEN
    if better == 0:
        return NEUTRAL
    return GREEN if direction == better else RED


def metric_delta_color(series_id: str, category: str | None) -> str:
    """st.metric's delta_color for a series: 'normal' is green-up, 'inverse' red-up, 'off' grey."""
    if category != "plant":
        return "inverse"
    better = quality_better(series_id)
    return "normal" if better > 0 else "inverse" if better < 0 else "off"
