"""`pulse extract --explain`: for every number in a text, the rule that made it a statistic or dropped it.

A linguist or analyst reads why a figure was kept (its reading, sign, change kind, period) or which
rule dropped it, and extends etl/lexicon.toml without reading Python.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from etl.bulletin.extract import Extraction
from etl.bulletin.numbers import BARE, PERCENT_CN, RANK
from etl.bulletin.record import Record


@dataclass(frozen=True)
class Explanation:
    line: int
    number: str
    context: str
    verdict: str  # "kept" or "dropped"
    rule: str


def explain(ex: Extraction, records: list[Record]) -> list[Explanation]:
    """One explanation per number written in the text (digits, 百分之…, 第…位), in text order."""
    s = ex.s
    by_start = {r.qstart: r for r in records}
    mention_starts = [m.start for m in ex.mentions]
    spans = sorted({m.span() for m in BARE.finditer(s)} | {m.span() for m in PERCENT_CN.finditer(s)}
                   | {m.span() for m in RANK.finditer(s)})
    out: list[Explanation] = []
    for start, end in spans:
        context = s[max(0, start - 12) : end + 6].replace("\n", " ")
        line = ex.clean.line_of(start)
        r = by_start.get(start)
        if r is not None:
            out.append(Explanation(line, s[start:end], context, "kept", _kept(r)))
        else:
            out.append(Explanation(line, s[start:end], context, "dropped", _dropped(ex, start, end, mention_starts)))
    return out


def _kept(r: Record) -> str:
    parts = [f"{r.reading.kind} {r.signed_value}{r.unit}"]
    if r.change_pct is not None:
        parts.append(f"change {r.change_pct:+g} {r.change_kind}")
    if r.period:
        parts.append(f"period {r.period_label or '?'} {r.period_start or '…'}..{r.period_end}")
    elif r.period_label:
        parts.append(f"period {r.period_label} (undated)")
    if r.index_base:
        parts.append(f"base {r.index_base}")
    return "; ".join(parts)


def _dropped(ex: Extraction, start: int, end: int, mention_starts: list[int]) -> str:
    for pos in range(start, max(-1, start - 2), -1):  # a sign or 第 may open the quantity
        if pos in ex.why:
            return ex.why[pos]
    k = bisect.bisect_right(mention_starts, start) - 1
    if k >= 0 and ex.mentions[k].start <= start < ex.mentions[k].end:
        return f"part of a period ({ex.mentions[k].label})"
    if ex.s[end : end + 1] in ("年", "月", "日", "号") and ex.s[end : end + 1]:
        return "part of a date"
    if ex.seg.is_blocked(start):
        return "inside a title, a quoted name or an index base"
    return "no unit from the lexicon and no index cue: a date, code or count word"
