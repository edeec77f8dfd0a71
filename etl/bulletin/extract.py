"""Bulletin prose -> statistics: find quantities, read them, date them, join levels and changes.

    text -> clean (compact, half-width) -> segments -> quantities -> readings -> records
         -> lists ("分别增长59.9%和25.1%") -> changes joined to levels -> periods -> subjects
         -> duplicates (a headline restating the body) and narrative counts dropped

Every step is a rule about how Chinese statistical prose is written; see rules.py and context.py.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from datetime import date

from etl.bulletin import post
from etl.bulletin.context import PeriodContext
from etl.bulletin.normalize import Clean, clean_text
from etl.bulletin.numbers import BARE, TRUNCATED, Quantity, find_quantities, protect_thousands
from etl.bulletin.periods import NOW, Mention, find_mentions, index_base
from etl.bulletin.record import Record
from etl.bulletin.rules import (
    CUE_RE,
    INDEX_CUE,
    POINTS,
    RATES,
    STOCK,
    STREAK_YEARS,
    Reading,
    is_attribute,
    is_denominator,
    read_quantity,
)
from etl.bulletin.segment import Segments, segment
from etl.lexicon import LEXICON, alt

_LIST_SEP = LEXICON.words["joiners"]
# "分别上涨11.3%、0.5%、下降1.8%和下降8.7%": a list of rates goes on when a member names its own direction.
_SIGNED_SEP = re.compile(r"(?:" + alt(_LIST_SEP) + r")(?:" + alt(LEXICON.verbs) + r")")
NOW_WORDS = frozenset(LEXICON.periods["now"])
COUNTS = LEXICON.classes["counts"]
_LEAD = re.compile(r"^(?:其中|同时|此外|另外|而|但|并|且|和|及|与|、|\(|从[^,，]{0,8}看|[\"“”'])+")
_TRAIL = re.compile(r"(?:为|是|共|" + alt(LEXICON.words["bounded"]) + "|" + alt(LEXICON.forecast_clause) + r"|实现了?|累计|\(|\")+$")
_COMPARE = re.compile(r"[比较与同]$")
SUBJECT_WINDOW = 1500


_CHANGES = ("pp", "rate", "delta")


class Extraction:
    """The state of one text's extraction; `run` returns the records."""

    def __init__(self, raw: str, doc_year: int | None, subjects: Iterable[str] = (), published: date | None = None):
        self.clean: Clean = clean_text(raw)
        self.s = protect_thousands(self.clean.s)
        self.seg: Segments = segment(self.s, self.clean.para_starts)
        self.doc_year = doc_year
        self.published = published
        found = find_mentions(self.s, doc_year, published)
        self.mentions = [m for m in found if self._is_period_mention(m)]
        # "前10个月": the number names the period, also where the period is a comparison's base
        self.period_spans = [(m.start, m.end, m.label) for m in found if m.kind == "period"]
        self.subject_re = _subject_pattern(subjects)
        self.why: dict[int, str] = {}  # quantity start -> the rule that dropped it (for --explain)

    def _is_period_mention(self, m: Mention) -> bool:
        if self.seg.is_blocked(m.start) and m.kind not in ("span", "fyp"):
            return False  # a quoted plan name ("“十三五”期间") still names its years
        # "比上年增长", "比去年同期": a comparison base, not the statistic's period.
        if m.rel is not None and self.s.startswith("同期", m.end):
            return False
        if m.kind == "period" and _COMPARE.search(self.s[max(0, m.start - 1) : m.start]):
            return False  # "降幅比1—9月份扩大", "比2024年增长": the base of a comparison
        return True

    def run(self) -> list[Record]:
        quantities = self._quantities()
        records = self._read(quantities)
        post.join_lists(records, self.s)
        post.attach_changes(records, self.s, self.seg)
        post.attach_unchanged(records, self.s)
        post.attach_to_level_after(records, self.s)
        for r in records:
            if r.reading.kind == "attached":
                self.why[r.qstart] = "change attached to the level before it (余额X，增长Y%)"
        lists = [[records[i] for i in members] for members in post.list_groups(records).values()]
        records = [r for r in records if r.reading.kind != "attached"]
        ctx = PeriodContext(self.s, self.mentions, self.seg, self.doc_year, self.published)
        for i, r in enumerate(records):
            self._finish(r, ctx)
            if r.period is None and i and r.reading.kind in _CHANGES:
                self._period_of_sentence(r, records[i - 1])
        for members in lists:
            self._list_periods([r for r in members if r.reading.kind != "attached"], ctx)
        kept = post.drop_duplicates(records, self.seg)
        self._note_dropped(records, kept, "duplicate: the same fact stated again (headline or lead)")
        final = post.drop_narrative(kept, self.seg)
        self._note_dropped(kept, final, "narrative: a count, share or rank with no change and too few statistics near it")
        return final

    def _note_dropped(self, before: list[Record], after: list[Record], reason: str) -> None:
        left = {id(r) for r in after}
        for r in before:
            if id(r) not in left:
                self.why[r.qstart] = reason

    # -- quantities ---------------------------------------------------------------------------
    def _quantities(self) -> list[Quantity]:
        s, seg = self.s, self.seg
        qs = []
        for q in find_quantities(s):
            inside = self._period_around(q.start)
            if inside is not None:
                self.why[q.start] = f"part of a period ({inside})"
            elif seg.is_blocked(q.start):
                self.why[q.start] = "inside a title, a quoted name or an index base (《…》, “…”, 以2015年为100)"
            else:
                qs.append(q)
        taken = {q.start for q in qs}
        qs += self._streak_years(taken) + self._index_values(qs) + self._truncated(taken)
        qs.sort(key=lambda q: q.start)
        return qs

    def _period_around(self, pos: int) -> str | None:
        """The label of the period mention (前10个月) that `pos` lies inside, if any."""
        k = bisect.bisect_right(self.period_spans, (pos, float("inf"))) - 1
        if k >= 0 and self.period_spans[k][0] <= pos < self.period_spans[k][1]:
            return self.period_spans[k][2]
        return None

    def _streak_years(self, taken: set[int]) -> list[Quantity]:
        out = []
        for m in STREAK_YEARS.finditer(self.s):
            if m.start("num") not in taken and not self.seg.is_blocked(m.start()):
                out.append(Quantity(m.start("num"), m.end(), m.group("num"), "年", "年", kind="streak"))
        return out

    def _index_values(self, qs: list[Quantity]) -> list[Quantity]:
        """'中国创新指数为174.2', '…指数分别为186.0、162.6和132.4': values of an index, no unit."""
        spans = {q.start for q in qs}
        out: list[Quantity] = []
        for m in BARE.finditer(self.s):
            if m.start() in spans or self.seg.is_blocked(m.start()) or self.s[m.end() : m.end() + 1] in "年月日号%.":
                continue
            cs, _ = self.seg.clause(m.start())
            pre = self.s[cs : m.start()]
            follows_index = out and out[-1].end >= m.start() - 2 and self.s[out[-1].end : m.start()] in _LIST_SEP
            if follows_index or (INDEX_CUE.search(pre) and "指数" in pre):
                out.append(Quantity(m.start(), m.end(), m.group("num"), "", "", kind="index"))
        return out

    def _truncated(self, taken: set[int]) -> list[Quantity]:
        """'前三季度增加6.35万' + a column break: the unit was cut off; it is completed later."""
        out = []
        for m in TRUNCATED.finditer(self.s):
            if m.start() not in taken and m.end() in self.clean.breaks and not self.seg.is_blocked(m.start()):
                out.append(Quantity(m.start(), m.end(), m.group("num"), m.group("mag"), "", kind="truncated"))
        return out

    # -- readings -----------------------------------------------------------------------------
    def _read(self, qs: list[Quantity]) -> list[Record]:
        s, seg = self.s, self.seg
        records: list[Record] = []
        prev_end = {}  # clause start -> end of the previous quantity in that clause
        for i, q in enumerate(qs):
            cs, ce = seg.clause(q.start)
            seg_start = max(cs, prev_end.get(cs, cs))
            prev_end[cs] = q.end
            pre, post_text = s[seg_start : q.start], s[q.end : min(ce, q.end + 24)]
            head = self._list_head(records, q)
            if head is not None and _SIGNED_SEP.fullmatch(s[records[-1].qend : q.start]):
                reading = read_quantity(q, s[cs : q.start])  # "、下降1.8%": the member's own direction
            elif head is not None:
                reading = records[-1].reading  # "下降1.8%、2.0%": as the member before it
            elif q.kind == "index":
                reading = Reading("level")
            elif q.kind == "streak":
                reading = Reading("streak")
            else:
                nxt = next((p.start for p in qs[i + 1 : i + 8] if p.base == q.base), None)
                reason = self._not_a_statistic(q, pre, post_text, s[cs : q.start], nxt)
                reading = None if reason else read_quantity(q, s[cs : q.start] if q.base in RATES | POINTS else pre)
                if reading is None:
                    self.why[q.start] = reason or "rank without a rank cue (排名/位居/居…)"
                    continue
            unit = q.unit if q.kind != "truncated" else self._complete_unit(records, q)
            if unit is None:
                self.why[q.start] = "unit cut off by a column break and not found earlier in the paragraph"
                continue
            rec = Record(q.start, q.end, seg_start, q.end, q.value, unit, q.base or unit, reading, list_head=head)
            rec.indicator = _indicator(pre, post_text, q)
            records.append(rec)
        return records

    def _not_a_statistic(self, q: Quantity, pre: str, post_text: str, clause_pre: str, nxt: int | None) -> str:
        """The rule that says a quantity is no statistic, or ''."""
        if is_attribute(q, pre, post_text):
            return "attribute: a rating or weight describing a thing (600千安电解槽), or a slogan count"
        if q.base and is_denominator(self.s, q, clause_pre, nxt):
            return "denominator: a count of categories (41个大类行业中, 4个分指数, 21个指标)"
        if _after_streak(clause_pre):
            return "threshold after a streak (连续31个月超过30%)"
        if THRESHOLD.search(pre):
            return "threshold crossed (首次突破1亿吨)"
        return ""

    def _list_head(self, records: list[Record], q: Quantity) -> int | None:
        if not records:
            return None
        last = records[-1]
        sep = self.s[last.qend : q.start]
        if last.unit == q.unit and (sep in _LIST_SEP or (q.base in RATES and _SIGNED_SEP.fullmatch(sep))):
            return last.list_head if last.list_head is not None else len(records) - 1
        return None

    def _complete_unit(self, records: list[Record], q: Quantity) -> str | None:
        ps = self.seg.paragraph_start(q.start)
        for r in reversed(records):
            if r.qstart < ps:
                break
            if r.unit.startswith(q.unit) and len(r.unit) > len(q.unit):
                return r.unit
        return None

    # -- periods and subjects -----------------------------------------------------------------
    def _finish(self, r: Record, ctx: PeriodContext) -> None:
        clause_text = self.s[self.seg.clause(r.qstart)[0] : r.qstart]
        bound = (r.change_pct is not None or r.reading.kind == "streak" or bool(STOCK.search(r.indicator))
                 or bool(CUE_RE.search(clause_text)))
        period, label = ctx.period_for(r.qstart, bound)
        if period is None and not bound:
            # A plain level or share in a paragraph naming no period is of the article's period (a
            # guess the GOLD convention accepts: a gold row without a period takes any); it does not
            # make the record strong enough to stand alone (post.drop_narrative).
            period, label = ctx.period_for(r.qstart, True)
            r.period_inherited = period is not None
        if period is not None:
            if r.reading.kind == "streak":
                period = (None, period[1])
            elif STOCK.search(r.indicator) and period[1] is not None:
                period = (period[1], period[1])
        if label in NOW_WORDS and not self._dated_now(r):
            period = None
        r.period, r.period_label = period, label
        r.subject = self._subject(r)
        if r.unit == "":
            r.index_base = self._index_base(r.qstart)

    def _period_of_sentence(self, r: Record, before: Record) -> None:
        """'工业中长期贷款余额24.3万亿元，…，增速比各项贷款高4.6个百分点': a change with no period of its own
        in the sentence of a dated level is of the level's period (a balance's day)."""
        if before.period is not None and self.seg.sentence(before.qstart) == self.seg.sentence(r.qstart):
            r.period, r.period_label = before.period, before.period_label

    def _dated_now(self, r: Record) -> bool:
        """'目前，运行产能4380万吨': 目前 dates an amount in its own sentence, not a tally ('目前已有7项专利')."""
        ss, _ = self.seg.sentence(r.qstart)
        return r.base not in COUNTS and NOW.search(self.s, ss, r.qstart) is not None

    def _index_base(self, qstart: int) -> str | None:
        """'以2005年为100', '上年同期=100': the stated base of the index values in its sentence, else paragraph."""
        ss, se = self.seg.sentence(qstart)
        ps = self.seg.paragraph_start(qstart)
        return index_base(self.s[ss : min(se, len(self.s))]) or index_base(self.s[ps:ss])

    def _list_periods(self, members: list[Record], ctx: PeriodContext) -> None:
        """A list of values after a list of as many periods: each value takes its own period."""
        if len(members) < 2:
            return
        periods = ctx.listed_periods(members[0].qstart, len(members), _LIST_SEP)
        if periods is None or any(p is None for p, _ in periods):
            return
        for r, (period, label) in zip(members, periods, strict=True):
            r.period, r.period_label = period, label

    def _subject(self, r: Record) -> str:
        if self.subject_re is None:
            return ""
        # The nearest name before the number, within its article (a bounded look-back keeps 10 MB fast).
        art = max(self.seg.article_start(r.qstart), r.qstart - SUBJECT_WINDOW)
        found = ""
        for m in self.subject_re.finditer(self.s, art, r.qstart):
            found = m.group()
        return found


THRESHOLD = re.compile(r"(?:" + alt(LEXICON.words["threshold"]) + r")$")


def _after_streak(clause_pre: str) -> bool:
    """'已连续31个月超过30%': the second number is the streak's threshold."""
    return bool(re.search(r"连续\d+(?:个月|年|天|周|季度?)[^,，;；。]{0,6}$", clause_pre))


def _indicator(pre: str, post_text: str, q: Quantity) -> str:
    text = _TRAIL.sub("", _LEAD.sub("", pre)).strip("、,，:")
    if len(text) >= 2 or q.kind == "index":
        return text
    return re.split(r"[,，;；。、]", post_text)[0][:24]


def _subject_pattern(subjects: Iterable[str]) -> re.Pattern[str] | None:
    names = sorted({s for s in subjects if len(s) >= 2}, key=len, reverse=True)
    generic = r"[\u4e00-\u9fff]{2,6}?(?:股份|集团|分公司)"
    alt = "|".join([re.escape(n) for n in names] + [generic])
    return re.compile(alt)


def extract_records(raw: str, doc_year: int | None, subjects: Iterable[str] = (),
                    published: date | None = None) -> tuple[Extraction, list[Record]]:
    ex = Extraction(raw, doc_year, subjects, published)
    return ex, ex.run()


_MASTHEAD = re.compile(r"(?P<y>20\d{2}|19\d{2})\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d>[0-3]?\d)\s*日)?")


def masthead_date(raw: str) -> date | None:
    """A date in the document's first lines ('2025年11月', '2025年11月8日'): its publication date."""
    m = _MASTHEAD.search(raw[:3000])
    if not m:
        return None
    try:
        return date(int(m.group("y")), int(m.group("m")), int(m.group("d") or 1))
    except ValueError:
        return None
