"""The Explore view state and its URL form (st.query_params), as pure functions.

    ?s=nf10_output,copper_spot_price_avg&t=yoy&span=A&from=2016-12-31&to=2025-12-31&base=2020-12-31&lang=en

Unknown series ids in a link are reported, never fatal; bad values fall back to defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from dashboard.i18n import format_period
from dashboard.transforms import SPANS, TRANSFORMS

SPAN_CHOICES = ("auto", *SPANS)


@dataclass(frozen=True)
class ExploreState:
    series: tuple[str, ...] = ()
    transform: str = "level"
    span: str = "auto"
    start: date | None = None
    end: date | None = None
    base: date | None = None
    missing: tuple[str, ...] = field(default=(), compare=False)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def from_query(params: Mapping[str, str], known_ids: Iterable[str]) -> ExploreState:
    known = set(known_ids)
    wanted = [s for s in (params.get("s") or "").split(",") if s.strip()]
    transform = params.get("t", "level")
    span = params.get("span", "auto")
    return ExploreState(
        series=tuple(dict.fromkeys(s for s in wanted if s in known)),
        transform=transform if transform in TRANSFORMS else "level",
        span=span if span in SPAN_CHOICES else "auto",
        start=_date(params.get("from")),
        end=_date(params.get("to")),
        base=_date(params.get("base")),
        missing=tuple(s for s in wanted if s not in known),
    )


def to_query(state: ExploreState, lang: str) -> dict[str, str]:
    params = {"s": ",".join(state.series), "t": state.transform, "span": state.span}
    if state.start:
        params["from"] = state.start.isoformat()
    if state.end:
        params["to"] = state.end.isoformat()
    if state.base and state.transform == "index":
        params["base"] = state.base.isoformat()
    if lang != "zh":
        params["lang"] = lang
    return {k: v for k, v in params.items() if v}


def snap(value: date | None, options: list[date], last: bool = False) -> date | None:
    """The option closest to `value` (first/last option when value is None)."""
    if not options:
        return None
    if value is None:
        return options[-1] if last else options[0]
    return min(options, key=lambda d: abs((d - value).days))


def company_metric(name_zh: str, subject: str | None) -> str:
    """'云铝股份营业收入' with subject '云铝股份' -> '营业收入' (the indicator companies share)."""
    if subject and name_zh.startswith(subject):
        return name_zh[len(subject):]
    return name_zh


def open_range(picked: tuple[date, date], periods: list[date]) -> tuple[date | None, date | None]:
    """The range as kept in the state: an end at the first/last period is open (None), so the view
    keeps covering the whole span when a transform or another series changes the periods."""
    start, end = picked
    return (None if start <= periods[0] else start), (None if end >= periods[-1] else end)


def period_labels(frame: pl.DataFrame, lang: str) -> dict[date, str]:
    """period_end -> how the period is named at its frequency (2016年, 2025年9月, 2025年三季度,
    2025年1-9月); where periods of different lengths end on one day, the shortest names it."""
    if frame.is_empty():
        return {}
    ends = frame.group_by("period_end").agg(pl.col("period_start").max())
    return {row["period_end"]: format_period(row["period_start"], row["period_end"], lang)
            for row in ends.iter_rows(named=True)}


def derived_notes(frame: pl.DataFrame, transform: str) -> list[str]:
    """i18n keys of the notes that say why rows are marked derived (computed by Pulse): split from
    cumulative figures, a YoY computed from the year before, or plant KPIs aggregated from telemetry."""
    if frame.is_empty() or "derived" not in frame.columns:
        return []
    marked = frame.filter(pl.col("derived").fill_null(False))
    plant = pl.col("category") == "plant" if "category" in marked.columns else pl.lit(False)
    notes = []
    if marked.filter(plant).height:
        notes.append("derived_plant_note")
    rest = marked.filter(~plant).height
    if rest and transform == "single":
        notes.append("derived_note")
    elif rest and transform == "yoy":
        notes.append("derived_yoy_note")
    elif rest:
        notes.append("derived_other_note")
    return notes
