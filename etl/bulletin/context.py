"""Which period a statistic belongs to, from the mentions around it.

The nearest mention wins, searched outward: the statistic's own clause, its sentence, its
paragraph. Statements that are tied to a period by their wording — a year-on-year change, a
balance (余额), a streak ("连续31个月") — also look back through earlier paragraphs of the same
article ("国家统计局发布的前三季度数据…\\n\\n新能源汽车产量同比增长29.7%"); other statements (a
weld strength "提升30%") do not borrow a date from a distant narrative ("2024年，…联合研发…").
"目前" is the publication date, "今年以来" Jan 1 to the last month ended; "上年同期" the governing
period a year earlier; "报告期内" means the period of the report named before; an event's days
("11月5日至10日") date facts about the event (今年 / 去年 shift them by a year).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from etl.bulletin.periods import Mention, resolve
from etl.bulletin.segment import Segments
from etl.lexicon import LEXICON
from etl.periods import month_end

Period = tuple[date | None, date | None]
_ASIDES = ("same_prev", "prev_step")
_REPORTING_LAG_DAYS = 31
_SUBORDINATE = tuple(LEXICON.words["subordinate"])


class PeriodContext:
    def __init__(self, s: str, mentions: list[Mention], seg: Segments, doc_year: int | None,
                 published: date | None = None):
        self.s = s
        self.seg = seg
        self.doc_year = doc_year
        self.published = published
        self.mentions = [m for m in mentions if m.kind != "event"]
        self.starts = [m.start for m in self.mentions]
        self.events = [m for m in mentions if m.kind == "event"]
        self.event_starts = [m.start for m in self.events]
        self.years = self._article_years()

    def _article_years(self) -> list[tuple[int | None, int]]:
        """For each mention, the last explicit year at or before it in its article, and where it was
        written (-1: none)."""
        out: list[tuple[int | None, int]] = []
        last, at, article = None, -1, -1
        for m in self.mentions:
            a = self.seg.article_start(m.start)
            if a != article:
                last, at, article = None, -1, a
            if m.year is not None:
                last, at = m.year, m.start
            out.append((last, at))
        return out

    def _year_for(self, k: int, period_in: Callable[[int], Period | None] | None = None) -> int | None:
        """The year a mention without one is read in: the article's last explicit year, else the
        publication's. A year from another paragraph (or none) is a guess that must fit the
        publication date: a statistic is reported after its period ends, so a period that has not
        begun, or began less than a reporting lag (a month) before publication, is the one a year
        earlier ('12月份' or '1—12月' in a January issue; '10月份' after a paragraph on 2026's outlook)."""
        m = self.mentions[k]
        year, at = self.years[k]
        if at >= 0 and self.seg.paragraph_start(at) == self.seg.paragraph_start(m.start):
            return year
        year = year or self.doc_year
        if year is None or self.published is None:
            return year
        period = period_in(year) if period_in else resolve(replace(m), None, year)
        if period and self.published < period[1] and (period[0] - self.published).days > -_REPORTING_LAG_DAYS:
            return year - 1
        return year

    def _local(self, m: Mention) -> bool:
        """'去年3496家': a mention directly before a number dates that number only."""
        nxt = self.s[m.end : m.end + 3]
        number = nxt[2:3] if nxt[1:2] == "-" else nxt[1:2]  # "10月的-40.5美元": signed as well
        return nxt[:1].isdigit() or (nxt[:1] in "的为达" and number.isdigit())

    def _last(self, lo: int, hi: int, qstart: int, skip_details: bool = True) -> int | None:
        """Index of the last usable mention starting in [lo, hi)."""
        k = bisect.bisect_left(self.starts, hi) - 1
        while k >= 0 and self.starts[k] >= lo:
            m = self.mentions[k]
            if m.kind in _ASIDES and self.seg.clause(m.start) != self.seg.clause(qstart):
                k -= 1  # "上年同期为…", "上月为…" date their own clause, they govern nothing after
                continue
            if skip_details and self._subordinate(m, qstart):
                k -= 1  # "前三季度…。其中，第三季度…。公司…": the detail's quarter does not carry on
                continue
            if m.kind == "fyp" and self.seg.sentence(m.start) != self.seg.sentence(qstart):
                k -= 1  # "“十四五”以来累计…；全国新发现…": a plan's span is an aside of its sentence
                continue
            if not self._local(m) or 0 <= qstart - m.end <= 2:
                return k
            k -= 1
        return None

    def period_for(self, qstart: int, bound: bool) -> tuple[Period | None, str]:
        """(period, label as written) of the statistic whose quantity starts at qstart."""
        cs, _ = self.seg.clause(qstart)
        ss, _ = self.seg.sentence(qstart)
        ps = self.seg.paragraph_start(qstart)
        art = self.seg.article_start(qstart)
        ranges = [(cs, qstart), (ss, cs), (ps, ss)] + ([(art, ps)] if bound else [])
        for lo, hi in ranges:
            if lo >= hi:
                continue
            k = self._last(max(lo, art), hi, qstart)
            if k is not None:
                return self._resolve(k, art, qstart)
        event = self._event(qstart, art, 0)
        return (event[0], event[1]) if event else None, (event[2] if event else "")

    def _subordinate(self, m: Mention, qstart: int) -> bool:
        ss, _ = self.seg.sentence(m.start)
        if ss == self.seg.sentence(qstart)[0]:
            return False
        head = self.s[ss : m.start].lstrip("，, ")
        return head.startswith(_SUBORDINATE) and self.s[ss : m.start].count("，") + self.s[ss : m.start].count(",") <= 1

    def listed_periods(self, qstart: int, n: int, joiners: tuple[str, ...]) -> list[tuple[Period | None, str]] | None:
        """'一季度、二季度、三季度…分别增长5.4%、5.2%和4.8%': n periods listed before n values, in order."""
        ss, _ = self.seg.sentence(qstart)
        art = self.seg.article_start(qstart)
        hi = bisect.bisect_left(self.starts, qstart)
        ks = list(range(bisect.bisect_left(self.starts, ss), hi))
        if len(ks) < n:
            return None
        ks = ks[:n] if len(ks) == n else ks[-n:]
        for a, b in zip(ks, ks[1:], strict=False):
            if self.s[self.mentions[a].end : self.mentions[b].start] not in joiners:
                return None
        return [self._resolve(k, art, qstart) for k in ks]

    def _resolve(self, k: int, art: int, qstart: int) -> tuple[Period | None, str]:
        m = self.mentions[k]
        if m.kind in ("now", "ytd", "span"):  # dated when found (publication date, named spans)
            return m.dates, m.label
        if m.kind == "same_prev":  # "上年同期为…": the governing period, a year earlier
            prev = self._last(art, m.start, qstart)
            base, _ = self._resolve(prev, art, qstart) if prev is not None else (None, "")
            return _shift(base, m.rel or -1), m.label
        if m.kind == "year_end":  # "年末": Dec 31 of the article's year
            year = self._year_for(k, lambda y: (date(y, 12, 31), date(y, 12, 31)))
            return ((date(year, 12, 31), date(year, 12, 31)) if year else None), m.label
        if m.kind == "prev_step":  # "上月为增长1.2%": the governing month, one month back
            prev = self._last(art, m.start, qstart)
            base, _ = self._resolve(prev, art, qstart) if prev is not None else (None, "")
            return _months_back(base, -(m.rel or -1)), m.label
        if m.kind in ("report", "fyp"):
            # A plan's span ends at the period its paragraph is about; a headline has none.
            lo = art if m.kind == "report" else max(art, self.seg.paragraph_start(m.start))
            prev = self._last(lo, m.start, qstart, skip_details=False)
            base, _ = self._resolve(prev, art, qstart) if prev is not None else (None, "")
            if m.kind == "report":
                return base, m.label
            end = base[1] if base else None
            return ((m.dates[0] if m.dates else None), end), m.label
        if m.rel is not None and m.label in LEXICON.relative_years:
            event = self._event(qstart, art, m.rel)
            if event is not None:
                return (event[0], event[1]), m.label
        year = self._year_for(k) if m.year is None and m.rel is None else self.years[k][0]
        period = resolve(replace(m), self.doc_year, year)
        return period, m.label

    def _event(self, qstart: int, art: int, shift: int) -> tuple[date, date, str] | None:
        """The dates of the event the article is about: the last before, else the first in the paragraph."""
        k = bisect.bisect_left(self.event_starts, qstart) - 1
        event = self.events[k] if k >= 0 and self.events[k].start >= art else None
        if event is None:
            ps = self.seg.paragraph_start(qstart)
            nxt = bisect.bisect_left(self.event_starts, qstart)
            if nxt < len(self.events) and self.seg.paragraph_start(self.events[nxt].start) == ps:
                event = self.events[nxt]
        if event is None or event.dates is None or None in event.dates:
            return None
        start, end = event.dates
        assert start is not None and end is not None
        if shift:
            start, end = start.replace(year=start.year + shift), end.replace(year=end.year + shift)
        return start, end, event.label


def _shift(period: Period | None, years: int) -> Period | None:
    """The same period `years` away (Feb 29 becomes Feb 28)."""
    if period is None:
        return None
    return tuple(None if d is None else _year_shift(d, years) for d in period)  # type: ignore[return-value]


def _year_shift(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _months_back(period: Period | None, months: int) -> Period | None:
    """The span of the same length ending `months` months earlier (Oct -> Sep, Q3 -> Q2)."""
    if period is None or period[1] is None:
        return None
    start, end = period
    y, mo = divmod(end.year * 12 + end.month - 1 - months, 12)
    new_end = month_end(y, mo + 1)
    if start is None:
        return None, new_end
    y, mo = divmod(start.year * 12 + start.month - 1 - months, 12)
    return date(y, mo + 1, 1), new_end
