"""Period mentions in compact bulletin text, resolved to dates with etl.periods.

A mention is a label as written ("前三季度", "今年三季度末", "截至2024年底", "2024年", "1-10月",
"\"十四五\"以来", "目前"); `resolve` turns it into (start, end). Relative years (今年, 去年, 上年) resolve
against the document's year; a label with no year takes the year of the article's last dated
period (an annual report's "全年" is that year's), else the document's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from etl.lexicon import LEXICON, alt, cn_int
from etl.periods import PeriodError, month_end, parse_period

_Q = r"[一二三四1-4]"
_M = r"(?:1[0-2]|0?[1-9])"  # Arabic only: "九月十二" is a lunar date in a masthead
_YEAR = r"(?:(?P<year>\d{4})年|(?P<rel>" + alt(LEXICON.relative_years) + "))"
_BODY = (
    r"(?:前" + _Q + r"(?:个)?季度|第?" + _Q + r"季度|[上下]半年|全年|年度"
    r"|前(?:" + _M + r"|十[一二]?|[一二两三四五六七八九])个?月|" + _M + r"月?[-—~至到]" + _M + r"月(?:份)?|" + _M + r"月(?:份)?(?![\d日号]))"
)
_END = r"(?P<point>末|底)?"
_ASOF = r"截至|截止到|截止"
PERIOD = re.compile(
    r"(?P<asof>" + _ASOF + r")?"
    r"(?:" + _YEAR + r"(?:" + _BODY + r")?|" + _BODY + r")" + _END
)
FYP = re.compile(r"[\"“]?(?P<n>" + alt(LEXICON.five_year_plans) + r")[\"”]?(?P<how>以来|期间|时期)")
NOW = re.compile(alt(LEXICON.periods["now"]))
P = LEXICON.periods
# "年初以来", "今年以来": Jan 1 to the last month ended before publication.
YTD = re.compile(alt(P["year_to_date"]))
# "上年末", "去年年底", "年初" (a balance's base): Dec 31 of the year before; not after 比/较 (a cue).
PREV_YEAR_END = re.compile(r"(?<![比较与])(?:" + alt(P["prev_year_end"]) + r")(?!以来|至|到|[\d一二三四五六七八九十])")
# "上年同期为下降2.1%": the governing period a year earlier; "比上年同期" is a comparison cue.
SAME_PREV = re.compile(r"(?<![比较与同])(?P<rel>" + alt(k for k, v in LEXICON.relative_years.items() if v < 0) + r")同期")
# "上月为增长1.2%": the governing month (quarter) one step back; "比上月", "环比" are cues.
PREV_STEP = re.compile(r"(?<![比较与同环])(?:(?P<m>" + alt(P["previous_month"]) + r")|(?P<q>" + alt(P["previous_quarter"]) + r"))"
                       r"(?![末底以])")
# "年末全国人口…": Dec 31 of the governing year (not 上年末, 2024年末, 年末以来).
YEAR_END = re.compile(r"(?<![上去今本前\d年])(?:" + alt(P["year_end"]) + r")(?!以来|至|到)")
# "2016—2020年", "2016-2020年": a span of whole years.
YEAR_SPAN = re.compile(r"(?P<a>(?:19|20)\d{2})年?[-—–~至到](?P<b>(?:19|20)\d{2})年")
# "近五年", "过去5年": the N full years before the publication year.
RECENT = re.compile(r"(?:" + alt(P["recent_years"]) + r")(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,2})(?:个)?年")
REPORT = re.compile(alt(LEXICON.periods["report"]))
# "截至2025年9月30日", "截止9月30日": a balance as of that day (a day without 截至 may be an event's).
_DAY_OF_YEAR = re.compile(r"\d{1,2}月\d{1,2}日")
# "截至2025年6月30日止六个月" / "…止年度": a Hong Kong report's period, the months ending that day.
ASOF_DAY = re.compile(r"(?:" + _ASOF + r")(?:(?P<year>\d{4})年)?(?P<m>" + _M + r")月(?P<d>\d{1,2})日"
                      r"(?:止(?:(?P<n>[一二三四五六七八九十\d]{1,3})个月|(?P<fy>年度|全年))(?:内|期间)?)?")
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
    kind: str  # period, now, ytd, span, same_prev, prev_step (rel = months back), year_end, report, fyp, event
    year: int | None = None  # explicit 4-digit year
    rel: int | None = None  # 今年 0, 去年 -1 …
    point: bool = False
    asof: bool = False
    dates: tuple[date | None, date | None] | None = None  # for event / fyp start


def find_mentions(s: str, doc_year: int | None, published: date | None = None) -> list[Mention]:
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
        if body.endswith("年") and not m.group("asof") and _DAY_OF_YEAR.match(s, m.end()):
            continue  # "2026年1月16日": a date (of the issue, a release, a meeting), not the data's year
        out.append(Mention(m.start(), m.end(), body, "period", year, rel, bool(m.group("point")), bool(m.group("asof"))))
    for m in FYP.finditer(s):
        start = LEXICON.five_year_plans[m.group("n")]
        if m.group("how") == "以来":
            out.append(Mention(m.start(), m.end(), m.group(), "fyp", dates=(date(start, 1, 1), None)))
        else:  # "十三五期间": the plan's five years
            out.append(Mention(m.start(), m.end(), m.group(), "span", dates=(date(start, 1, 1), date(start + 4, 12, 31))))
    out += _relative_mentions(s, doc_year, published)
    for m in REPORT.finditer(s):
        out.append(Mention(m.start(), m.end(), m.group(), "report"))
    out += _asof_days(s, doc_year, published)
    for m in EVENT.finditer(s):
        dates = _event_dates(m, doc_year)
        if dates is not None:
            out.append(Mention(m.start(), m.end(), m.group(), "event", dates=dates))
    out.sort(key=lambda x: x.start)
    return _drop_nested(out)


def _relative_mentions(s: str, doc_year: int | None, published: date | None) -> list[Mention]:
    """Mentions dated from the publication date: 目前, 今年以来, 上年末, 近五年; spans of years; 上年同期."""
    out: list[Mention] = []
    pub = published
    for m in NOW.finditer(s):
        out.append(Mention(m.start(), m.end(), m.group(), "now", dates=(pub, pub) if pub else None))
    for m in YTD.finditer(s):
        dates = None
        if pub is not None:
            last = date(pub.year, pub.month, 1) - timedelta(days=1)  # the last month ended before publication
            dates = (date(pub.year, 1, 1), last) if last.year == pub.year else None
        out.append(Mention(m.start(), m.end(), m.group(), "ytd", dates=dates))
    for m in PREV_YEAR_END.finditer(s):
        if doc_year is not None:
            end = date(doc_year - 1, 12, 31)
            out.append(Mention(m.start(), m.end(), m.group(), "span", dates=(end, end)))
    for m in YEAR_SPAN.finditer(s):
        a, b = int(m.group("a")), int(m.group("b"))
        if a < b:
            out.append(Mention(m.start(), m.end(), m.group(), "span", dates=(date(a, 1, 1), date(b, 12, 31))))
    for m in RECENT.finditer(s):
        n = cn_int(m.group("n"))
        if doc_year is not None and n:
            out.append(Mention(m.start(), m.end(), m.group(), "span",
                               dates=(date(doc_year - n, 1, 1), date(doc_year - 1, 12, 31))))
    for m in YEAR_END.finditer(s):
        out.append(Mention(m.start(), m.end(), m.group(), "year_end", point=True))
    for m in PREV_STEP.finditer(s):
        out.append(Mention(m.start(), m.end(), m.group(), "prev_step", rel=-1 if m.group("m") else -3))
    for m in SAME_PREV.finditer(s):
        out.append(Mention(m.start(), m.end(), m.group(), "same_prev", rel=LEXICON.relative_years[m.group("rel")]))
    return out


def _asof_days(s: str, doc_year: int | None, published: date | None) -> list[Mention]:
    """'截至2025年9月30日' -> that day; without a year, the latest such day on or before publication."""
    out: list[Mention] = []
    for m in ASOF_DAY.finditer(s):
        year = int(m.group("year")) if m.group("year") else doc_year
        if year is None:
            continue
        try:
            day = date(year, int(m.group("m")), int(m.group("d")))
            if not m.group("year") and published is not None and day > published:
                day = date(year - 1, day.month, day.day)
        except ValueError:  # 2月30日, or 2月29日 in the year before
            continue
        explicit = int(m.group("year")) if m.group("year") else None
        months = 12 if m.group("fy") else cn_int(m.group("n") or "")
        start = _months_ending(day, months) if months else day
        out.append(Mention(m.start(), m.end(), m.group(), "span", year=explicit, asof=not months, dates=(start, day)))
    return out


def _months_ending(day: date, months: int) -> date:
    """The first day of the `months` months that end on `day` (Jun 30, 6 -> Jan 1)."""
    y, mo = divmod(day.year * 12 + day.month - 1 - months, 12)
    if day == month_end(day.year, day.month):
        return month_end(y, mo + 1) + timedelta(days=1)
    return date(y, mo + 1, min(day.day, month_end(y, mo + 1).day)) + timedelta(days=1)


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
