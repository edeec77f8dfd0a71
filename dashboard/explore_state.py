"""The Explore view state and its URL form (st.query_params), as pure functions.

    ?s=nf10_output,copper_spot_price_avg&t=yoy&span=A&from=2016-12-31&to=2025-12-31&base=2020-12-31&lang=en

Unknown series ids in a link are reported, never fatal; bad values fall back to defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

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
