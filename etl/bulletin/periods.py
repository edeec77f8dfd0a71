"""Period mentions in compact bulletin text, resolved to dates with etl.periods.

A mention is a label as written ("前三季度", "今年三季度末", "截至2024年底", "2024年", "1-10月",
"\"十四五\"以来", "目前"); `resolve` turns it into (start, end). Relative years (今年, 去年, 上年) resolve
against the document's year; a label with no year takes the year of the article's last dated
period (an annual report's "全年" is that year's), else the document's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from etl.lexicon import LEXICON, alt
from etl.periods import PeriodError, month_end, parse_period

_Q = r"[一二三四1-4]"
_M = r"(?:1[0-2]|0?[1-9])"  # Arabic only: "九月十二" is a lunar date in a masthead
_YEAR = r"(?:(?P<year>\d{4})年|(?P<rel>" + alt(LEXICON.relative_years) + "))"
_BODY = (
    r"(?:前" + _Q + r"(?:个)?季度|第?" + _Q + r"季度|[上下]半年|全年|年度"
    r"|前(?:" + _M + r"|十[一二]?|[一二两三四五六七八九])个?月|" + _M + r"月?[-—~至到]" + _M + r"月(?:份)?|" + _M + r"月(?:份)?(?![\d日号]))"
)
_END = r"(?P<point>末|底)?"
PERIOD = re.compile(
    r"(?P<asof>截至|截止到|截止)?"
    r"(?:" + _YEAR + r"(?:" + _BODY + r")?|" + _BODY + r")" + _END
)
FYP = re.compile(r"[\"“]?(?P<n>" + alt(LEXICON.five_year_plans) + r")[\"”]?(?:以来|期间)")
NOW = re.compile(alt(LEXICON.periods["now"]))
REPORT = re.compile(alt(LEXICON.periods["report"]))
# An event's days, "11月5日至10日", "10月28日至30日": facts about the event take its dates.
EVENT = re.compile(r"(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日?[-—~至到](?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})日")
# "以2015年为100": an index base year, not a period.
_BASE_YEAR = [re.compile(p) for p in LEXICON.index_base_year]
BASE = re.compile("|".join([p.replace("(?P<y>", "(?:") for p in LEXICON.index_base_year]
                           + [re.escape(p) for p in LEXICON.index_base_prev]))


def index_base(text: str) -> str | None:
    """'以2005年为100' / '2005=100' -> '2005=100'; '上年=100', '上年同期=100' -> 'prev_year=100'."""
    m = BASE.search(text)
    if m is None:
        return None
    for pattern in _BASE_YEAR:
        y = pattern.fullmatch(m.group())
        if y:
            return f"{y.group('y')}=100"
    return "prev_year=100"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    label: str  # as written in compact text
    kind: str  # period, now, report, fyp, event
    year: int | None = None  # explicit 4-digit year
    rel: int | None = None  # 今年 0, 去年 -1 …
    point: bool = False
    asof: bool = False
    dates: tuple[date | None, date | None] | None = None  # for event / fyp start


def find_mentions(s: str, doc_year: int | None) -> list[Mention]:
    out: list[Mention] = []
    blocked = [m.span() for m in BASE.finditer(s)]
    for m in PERIOD.finditer(s):
        if any(a <= m.start() < b for a, b in blocked):
            continue
        body = m.group()
        if body in ("年度",) or not re.search(r"[年月季度半]", body):
            continue
        rel = LEXICON.relative_years.get(m.group("rel") or "")
        year = int(m.group("year")) if m.group("year") else None
        if year is not None and not 1949 <= year <= 2100:
            continue
        out.append(Mention(m.start(), m.end(), body, "period", year, rel, bool(m.group("point")), bool(m.group("asof"))))
    for m in FYP.finditer(s):
        start = LEXICON.five_year_plans[m.group("n")]
        out.append(Mention(m.start(), m.end(), m.group(), "fyp", dates=(date(start, 1, 1), None)))
    for m in NOW.finditer(s):
        out.append(Mention(m.start(), m.end(), m.group(), "now"))
    for m in REPORT.finditer(s):
        out.append(Mention(m.start(), m.end(), m.group(), "report"))
    for m in EVENT.finditer(s):
        dates = _event_dates(m, doc_year)
        if dates is not None:
            out.append(Mention(m.start(), m.end(), m.group(), "event", dates=dates))
    out.sort(key=lambda x: x.start)
    return _drop_nested(out)


def _drop_nested(mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            if m.end - m.start > out[-1].end - out[-1].start:
                out[-1] = m
            continue
        out.append(m)
    return out


def _event_dates(m: re.Match[str], doc_year: int | None) -> tuple[date, date] | None:
    if doc_year is None:
        return None
    m1 = int(m.group("m1"))
    m2 = int(m.group("m2") or m1)
    try:
        return date(doc_year, m1, int(m.group("d1"))), date(doc_year, m2, int(m.group("d2")))
    except ValueError:
        return None


def resolve(m: Mention, doc_year: int | None, article_year: int | None) -> tuple[date, date] | None:
    """(start, end) of a period mention, or None when it cannot be dated."""
    if m.kind != "period":
        return None
    label = m.label.removeprefix("截至").removeprefix("截止到").removeprefix("截止")
    if m.rel is not None:
        if doc_year is None:
            return None
        label = f"{doc_year + m.rel}年" + label[2:]
    elif m.year is None:
        year = article_year or doc_year
        if year is None:
            return None
        label = f"{year}年{label}"
    try:
        start, end = parse_period(label, point=m.point or m.asof)
    except PeriodError:
        return None
    if m.asof and label.endswith("月"):  # 截至2025年9月: as of the end of September
        end = month_end(end.year, end.month)
        start = end
    return start, end
