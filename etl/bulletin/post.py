"""Record-level rules: lists, levels joined to their changes, duplicates, narrative counts."""

from __future__ import annotations

import bisect
import re
from datetime import date

from etl.bulletin.periods import EVENT
from etl.bulletin.record import Record
from etl.bulletin.rules import _DEC, _INC, ATTACH, RATE_VERB, RATES, Reading
from etl.bulletin.segment import Segments
from etl.lexicon import LEXICON, alt

# A count, share or rank with no period and no change is a statistic only among other statistics:
# "新增矿产地150处" in a report, not "累计入户480人次…党员参与率达100%" in a village story.
NARRATIVE_WINDOW = 600
# A headline restates a figure of the article below it.
DUPLICATE_WINDOW = 3000
_LEVEL_KINDS = ("level",)


def list_groups(records: list[Record]) -> dict[int, list[int]]:
    """Values of one list ("A、B和C"): head index -> member indices."""
    return _groups(records)


def _groups(records: list[Record]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(records):
        if r.list_head is not None:
            groups.setdefault(r.list_head, [r.list_head]).append(i)
    return groups


def join_lists(records: list[Record], s: str) -> None:
    """'采矿业、电力…供应业分别增长5.8%、2.0%': each value gets its own item of the list as indicator."""
    for head, members in _groups(records).items():
        text = records[head].indicator
        names = text.split("分别")[0] if "分别" in text else text
        items = [p for p in names.split("、") if p]
        if len(items) == len(members) - 1:
            last = re.split(r"和|及|与", items[-1], maxsplit=1)
            items = items[:-1] + [p for p in last if p]
        if len(items) != len(members):
            continue
        for name, i in zip(items, members, strict=True):
            records[i].indicator = name if len(members) > 1 else records[i].indicator
            records[i].start = records[head].start


def attach_changes(records: list[Record], s: str, seg: Segments) -> None:
    """'余额270.39万亿元，同比增长6.6%': a change right after a level, in the same sentence, is the level's."""
    groups = _groups(records)
    open_levels: list[int] = []
    mom_on: tuple[int, int, Reading] | None = None  # (level, mom rate, its reading) for "环比…，同比…"
    open_ratio: int | None = None  # "占比为16.3%，比上年提高0.6个百分点": the pp change is the share's
    sentence = None
    for i, r in enumerate(records):
        here = seg.sentence(r.qstart)
        if here != sentence:
            open_levels, sentence, open_ratio, mom_on = [], here, None, None
        if r.reading.kind in _LEVEL_KINDS and r.list_head is None and r.base not in RATES:
            open_levels.append(i)
            continue
        if r.reading.kind in _LEVEL_KINDS and r.list_head is not None:
            open_levels.append(i)
            continue
        if r.reading.kind == "ratio" and r.list_head is None:
            open_ratio = i
            continue
        if r.reading.kind == "pp" and open_ratio is not None and _attaches(s, seg, r, records[open_ratio]):
            ratio = records[open_ratio]
            ratio.change_pct, ratio.change_kind = float(r.signed_value), "pp"
            ratio.end = max(ratio.end, r.qend)
            r.reading, open_ratio = Reading("attached"), None
            continue
        if r.reading.kind == "rate" and r.list_head is None and _yoy_after_mom(s, seg, r, records, mom_on):
            continue
        if r.reading.kind != "rate" or r.list_head is not None or not open_levels:
            continue
        cs, _ = seg.clause(r.qstart)
        if cs <= records[open_levels[-1]].qstart:
            continue  # the rate shares the level's clause: "…增长5%，达100亿元" reads the other way
        pre = s[cs : r.qstart]
        m = RATE_VERB.search(pre)
        if m is None or not (ATTACH.match(pre[: m.start()]) or _names_level(pre[: m.start()], records[open_levels[-1]])):
            continue
        members = groups.get(i, [i])
        if len(members) > 1 and len(open_levels) < len(members):
            continue
        targets = open_levels[-len(members) :]
        for level_i, rate_i in zip(targets, members, strict=True):
            level, rate = records[level_i], records[rate_i]
            level.change_pct = float(rate.signed_value)
            level.change_kind = rate.reading.change_kind or "yoy"
            level.end = max(level.end, records[members[-1]].qend)
            if level.change_kind == "mom" and len(members) == 1:
                mom_on = (level_i, rate_i, rate.reading)  # a yoy right after takes the row
            rate.reading = Reading("attached")
        open_levels = [k for k in open_levels if k not in targets]


_W = LEXICON.words
_UNCHANGED = re.compile(
    r"[，,](?P<cue>" + alt([*LEXICON.cues, *_W["unchanged_base"]]) + r")(?:" + alt(_W["unchanged_hedge"]) + r")*"
    r"(?:" + alt(_W["unchanged"]) + r")(?=$|[，,。；;])")
_UNCHANGED_KIND = {"与上月": "mom"}


_TO_LEVEL = re.compile(r"(?:至|到|达到|达)(?:约|近)?")


def attach_to_level_after(records: list[Record], s: str) -> None:
    """'比重提高0.8个百分点至16.9%', '产量下降3.1%至85.6万吨': a change ending at the level it reached is
    that level's (GOLD.md: a ratio's pp change goes on the row)."""
    for r, nxt in zip(records, records[1:], strict=False):
        if nxt.change_pct is not None or nxt.list_head is not None or r.list_head is not None:
            continue
        if not _TO_LEVEL.fullmatch(s, r.qend, nxt.qstart):
            continue
        if r.reading.kind == "pp" and nxt.reading.kind == "ratio":
            nxt.change_pct, nxt.change_kind = float(r.signed_value), "pp"
        elif r.reading.kind == "rate" and nxt.reading.kind == "level" and nxt.base not in RATES:
            nxt.change_pct, nxt.change_kind = float(r.signed_value), r.reading.change_kind or "yoy"
        else:
            continue
        nxt.start, r.reading = min(nxt.start, r.start), Reading("attached")
        nxt.indicator = nxt.indicator or _CUE_OR_FILL.sub("", RATE_VERB.sub("", r.indicator))  # "…比重提高": the share


def attach_unchanged(records: list[Record], s: str) -> None:
    """'铝均价20420元/吨，与上年同期基本持平': the level's change is 0, of the kind its base names."""
    for r in records:
        if r.change_pct is None and r.reading.kind == "level" and r.base not in RATES:
            m = _UNCHANGED.match(s, r.qend)
            if m:
                cue = m.group("cue")
                r.change_pct = 0.0
                r.change_kind = LEXICON.cues.get(cue) or _UNCHANGED_KIND.get(cue, "yoy")
                r.end = max(r.end, m.end())


_CUE_OR_FILL = re.compile("(?:" + ATTACH.pattern.removeprefix("^(?:").removesuffix(")*$") + ")+$")


def _names_level(prefix: str, level: Record) -> bool:
    """'日均成交12.86万亿元，日均成交同比增长9.5%': the change names the level again before its cue."""
    name = _CUE_OR_FILL.sub("", prefix)
    return 2 <= len(name) <= 10 and level.indicator.endswith(name)


def _yoy_after_mom(s: str, seg: Segments, r: Record, records: list[Record],
                   mom_on: tuple[int, int, Reading] | None) -> bool:
    """'均价86520元/吨，环比上涨5.2%，同比上涨12.6%': the yoy goes on the row, the mom is its own row (GOLD.md)."""
    if mom_on is None or r.reading.change_kind != "yoy":
        return False
    level_i, mom_i, mom_reading = mom_on
    level, mom = records[level_i], records[mom_i]
    if seg.sentence(level.qstart) != seg.sentence(r.qstart) or not _attaches(s, seg, r, mom):
        return False
    if any(x.reading.kind not in ("attached",) for x in records[mom_i + 1 : records.index(r)]):
        return False  # only the two rates stand between
    level.change_pct, level.change_kind = float(r.signed_value), "yoy"
    level.end = max(level.end, r.qend)
    mom.reading = mom_reading
    r.reading = Reading("attached")
    return True


def _attaches(s: str, seg: Segments, change: Record, level: Record) -> bool:
    """A change in its own clause after the level, introduced only by a cue and a verb ("比上年提高")."""
    cs, _ = seg.clause(change.qstart)
    if cs <= level.qstart:
        return False
    pre = s[cs : change.qstart]
    m = RATE_VERB.search(pre)
    return m is not None and bool(ATTACH.match(pre[: m.start()]) or _NAMED_BASE.match(pre[: m.start()]))


# "比改造前提高1.1个百分点": a comparison with a named base, still the share's change.
_NAMED_BASE = re.compile(r"^(?:比|较)[^,，;；。]{1,10}$")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


_NOT_NAME = re.compile(alt(LEXICON.cues) + r"|实际|分别|累计|实现|" + _INC + "|" + _DEC)


def similar(a: str, b: str) -> bool:
    """Two indicators name the same thing: their words, less verbs and comparisons, mostly agree."""
    ba, bb = _bigrams(_NOT_NAME.sub("", a)), _bigrams(_NOT_NAME.sub("", b))
    if not ba or not bb:
        return True
    return len(ba & bb) / min(len(ba), len(bb)) >= 0.5


def _rank(r: Record) -> tuple[bool, bool, int]:
    return (r.change_pct is not None, r.period is not None, r.qstart)


def drop_duplicates(records: list[Record], seg: Segments | None = None) -> list[Record]:
    """A figure stated twice (a headline and its article) is kept once, at its fullest mention."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(records):
        by_key.setdefault((r.signed_value, r.unit), []).append(i)
    dropped: set[int] = set()
    for members in by_key.values():
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                ra, rb = records[a], records[b]
                if rb.qstart - ra.qstart > DUPLICATE_WINDOW:
                    break
                if a in dropped or b in dropped:
                    continue
                if not _same_fact(ra, rb):
                    continue
                dropped.add(a if _rank(ra) < _rank(rb) else b)
    changes = sorted((r.qstart, r.change_pct, k) for k, r in enumerate(records) if r.change_pct is not None)
    for i, r in enumerate(records):
        if r.reading.kind == "rate" and r.base == "%" and _restates_change(r, changes, records, seg):
            dropped.add(i)
    return [r for i, r in enumerate(records) if i not in dropped]


def _same_fact(a: Record, b: Record) -> bool:
    ka, kb = a.reading.change_kind, b.reading.change_kind
    if ka and kb and ka != kb:
        return False  # "同比上涨0.2%，环比上涨0.2%": two rates that happen to agree
    if a.period_end and b.period_end and a.period_end != b.period_end:
        return False
    if a.period_start and b.period_start and a.period_start != b.period_start:
        return False  # "全年…平均值为5.1%" and "年末…为5.1%" end on the same day
    if a.change_pct is not None and b.change_pct is not None and a.change_pct != b.change_pct:
        return False
    return similar(a.indicator, b.indicator)


def _restates_change(r: Record, changes: list[tuple[int, float | None, int]], records: list[Record],
                     seg: Segments | None) -> bool:
    """'银星能源前三季度归母净利润同比增长24.63%' above '…净利润2.37亿元，同比增长24.63%': the same change
    in the same period, of a similar name or stated alone (a headline). Not '二季度增长5.2%' after
    'GDP…前三季度…增长5.2%' (another period), nor '收入32509元，名义增长5.1%，实际增长5.2%' (its own level's)."""
    value = float(r.signed_value)
    alone = seg is None or not any(  # no level before it in its sentence (a headline runs into the text)
        x.reading.kind == "level" and x.qstart < r.qstart and seg.sentence(x.qstart) == seg.sentence(r.qstart)
        for x in records)
    lo = bisect.bisect_left(changes, (r.qstart - DUPLICATE_WINDOW // 2, float("-inf"), -1))
    for pos, change, k in changes[lo:]:
        if pos > r.qstart + DUPLICATE_WINDOW // 2:
            break
        level = records[k]
        if change == value and pos != r.qstart and _same_period(r, level) and (alone or similar(r.indicator, level.indicator)):
            return True
    return False


def _same_period(a: Record, b: Record) -> bool:
    """The same period, or one not known; a month and its balance ('10月', '10月末') are the same."""
    if not (a.period and b.period):
        return True
    points = a.period_start == a.period_end or b.period_start == b.period_end
    return a.period_end == b.period_end and (points or a.period_start == b.period_start)


_COUNTS = LEXICON.classes["counts"]


def _strong(r: Record) -> bool:
    """A statistic on its own: a change, a rate, or a dated amount (money, mass, energy, price)."""
    if r.change_pct is not None or r.reading.kind in ("rate", "pp", "delta", "multiple"):
        return True
    # "上半年" in an undated text is still a period; the article's, inherited, is not the statistic's own
    dated = (r.period is not None or r.period_label != "") and not r.period_inherited
    if not dated or r.reading.kind == "streak":
        return False
    if r.reading.kind in ("rank", "ratio"):
        return True  # "2024年…居全球第12位", "10月份…为49.0%": a dated rank or share stands alone
    if EVENT.fullmatch(r.period_label):
        return True  # a fact dated by its event's days ("第八届进博会…11月5日至10日")
    # Counts in 万/亿 ("30.3万家", "104.5万件") are national statistics, not a story's "46人".
    return r.base not in _COUNTS or r.unit != r.base


def drop_narrative(records: list[Record], seg: Segments) -> list[Record]:
    """Keep a weak statistic only with two strong ones near it in the same article."""
    strong: dict[int, list[int]] = {}
    for r in records:
        if _strong(r):
            strong.setdefault(seg.article_start(r.qstart), []).append(r.qstart)
    out = []
    for r in records:
        if _strong(r):
            out.append(r)
            continue
        near = strong.get(seg.article_start(r.qstart), [])
        lo = bisect.bisect_left(near, r.qstart - NARRATIVE_WINDOW)
        hi = bisect.bisect_right(near, r.qstart + NARRATIVE_WINDOW)
        if hi - lo >= 2:
            out.append(r)
    return out


# Future tense in Chinese statistical prose: what a forecast or a target sounds like.
_FORECAST_IN_SENTENCE = re.compile(alt(LEXICON.forecast_sentence))
_FORECAST_IN_CLAUSE = re.compile(alt(LEXICON.forecast_clause))
FORECAST_MARK = LEXICON.forecast_mark


def mark_forecasts(records: list[Record], s: str, seg: Segments, published: date | None) -> None:
    """A value stated in the future tense is a forecast: its indicator says so ('(预计)').

    A cue in the value's own clause (将达, 有望) is enough. 预计 earlier in the sentence also
    governs later clauses, unless the value's period had already ended when the document was
    published: PDF column breaks can run a forecast sentence into the next paragraph's actuals.
    """
    for r in records:
        if FORECAST_MARK in r.indicator:
            continue
        clause_start, _ = seg.clause(r.qstart)
        sentence_start, _ = seg.sentence(r.qstart)
        ended = published is not None and r.period_end is not None and r.period_end < published
        if _FORECAST_IN_CLAUSE.search(s[clause_start : r.qstart]) or (
            not ended and _FORECAST_IN_SENTENCE.search(s[sentence_start : r.qstart])
        ):
            r.indicator = r.indicator + FORECAST_MARK
