"""How Chinese statistical prose states a number: the words around a quantity decide what it is.

- a rate after a change verb ("同比增长6.2%", "下降40%") or a rate noun ("增幅约6%");
- a difference in percentage points ("快于…3.4个百分点", "回落0.5个百分点");
- a change amount after a change verb ("比上年增加17.2万人", "降低418千瓦时");
- a level otherwise ("余额270.39万亿元", "占比为60.6%", "4108家境外企业参展").
Decreases (下降, 降低, 减少, 回落, 少增 …) are negative. Not statistics: dimension denominators
("41个大类行业中37个…"), ratings and weights used as attributes ("600千安电解槽", "重达5吨的"),
slogan counts ("4个100%清零"), thresholds after a streak ("连续31个月超过30%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.bulletin.numbers import Quantity
from etl.lexicon import LEXICON, alt

W = LEXICON.words
_FILL = r"(?:了|" + alt(LEXICON.cues) + r"|分别|均|" + alt(W["bounded"]) + r"|为|仅)*"
_INC = alt(v for v, p in LEXICON.verbs.items() if p > 0)
_DEC = alt(v for v, p in LEXICON.verbs.items() if p < 0)
RATE_VERB = re.compile(r"(?P<verb>" + alt(LEXICON.verbs) + r")" + _FILL + r"$")
RATE_NOUN = re.compile(r"(?P<verb>" + alt(LEXICON.rate_nouns) + r")" + _FILL + r"(?:为|是|在)?" + _FILL + r"$")
# "比上年同期少1997亿元", "同比多增…" aside: a comparative right after a comparison cue states a difference.
COMPARED = re.compile(r"(?:" + alt(LEXICON.cues) + r")(?P<comp>" + alt(LEXICON.comparatives) + r")" + _FILL + r"$")
DEC_WORDS = frozenset([v for v, p in LEXICON.verbs.items() if p < 0] + [n for n, p in LEXICON.rate_nouns.items() if p < 0])
_PP_WORDS = {**{v: p for v, p in LEXICON.verbs.items() if len(v) <= 2}, **LEXICON.comparatives}
PP_ANY = re.compile("(" + alt(_PP_WORDS) + ")")
# A rate that names a fall ("降幅", "跌幅"): its widening is a fall, its narrowing a rise.
_FALLING_RATE = re.compile("(?:" + alt(n for n, p in LEXICON.rate_nouns.items() if p < 0) + ")")
RANK_CUE = re.compile(r"(" + alt(W["rank_cue"]) + r")[^,，;；。]{0,10}$")
STREAK = re.compile(r"连续(?:第)?$")
STREAK_YEARS = re.compile(r"连续(?P<num>\d{1,2})年")
INDEX_CUE = re.compile(r"指数(?:\([^)]{0,12}\))?(?:" + alt(W["index_cue"]) + r")$|分别为$")
_CUES = sorted(LEXICON.cues.items(), key=lambda kv: len(kv[0]), reverse=True)
CUE_RE = re.compile(alt(LEXICON.cues))
# What may stand between the start of a clause and a change verb for the rate to belong to the
# level stated just before ("…余额270.39万亿元，同比增长6.6%").
ATTACH = re.compile(r"^(?:" + alt(LEXICON.cues) + "|" + alt(W["attach_fill"]) + r")*$")
STOCK = re.compile(alt(W["stock"]))
LOSS = re.compile(r"(?:" + alt(W["loss"]) + r")" + _FILL + r"$")
PHYSICAL = LEXICON.classes["physical"]
MONEY_LIKE = LEXICON.classes["money_like"]
RATES = LEXICON.classes["rates"]
POINTS = LEXICON.classes["points"]
# Classifiers of things ("5个零增加", "3项技术") and of categories ("4个分指数", "41个大类").
_THINGS = frozenset(("个", "种", "项", "家", "处"))
_SLOTS = frozenset(("个", "项", "种"))
_CATEGORY = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:" + alt(LEXICON.category_nouns) + ")")
# A unit followed by one of these is stated, not used as an attribute ("19吨铝合金焊材" is stated).
_WEIGHT_CUE = re.compile(r"(重|重达|载重|重约|容量为?)$")


@dataclass(frozen=True)
class Reading:
    kind: str  # rate, ratio, pp, delta, level, rank, streak, multiple
    sign: int = 1
    change_kind: str | None = None


def change_kind_of(text: str) -> str | None:
    """The kind of the last comparison cue in the text ("同比增长" -> yoy, "较年初" -> vs_year_start)."""
    found = CUE_RE.findall(text)
    return LEXICON.cues[found[-1]] if found else None


def read_quantity(q: Quantity, pre: str) -> Reading | None:
    """What the quantity states, judged from the clause text before it; None if not a statistic."""
    if q.kind == "rank":
        return Reading("rank") if RANK_CUE.search(pre) else None
    if q.base in POINTS:
        verbs = PP_ANY.findall(pre)
        sign = -1 if verbs and _PP_WORDS[verbs[-1]] < 0 else 1
        if verbs and _FALLING_RATE.search(pre):
            sign = -sign  # "降幅扩大0.8个百分点" is worse (negative), "降幅收窄" better (positive)
        return Reading("pp", sign, "pp")
    if q.base in ("个月",) and STREAK.search(pre):
        return Reading("streak")
    m = RATE_VERB.search(pre) or RATE_NOUN.search(pre)
    if q.base in RATES:
        if m:
            return Reading("rate", -1 if m.group("verb") in DEC_WORDS else 1, change_kind_of(pre))
        return Reading("ratio")
    if q.base == "倍":
        return Reading("multiple")
    if m and RATE_VERB.search(pre):
        return Reading("delta", -1 if m.group("verb") in DEC_WORDS else 1)
    compared = COMPARED.search(pre)
    if compared:
        return Reading("delta", LEXICON.comparatives[compared.group("comp")])
    if LOSS.search(pre):
        return Reading("level", -1)  # "亏损3.2亿元": a loss is a negative profit
    return Reading("level")


def is_attribute(q: Quantity, pre: str, post: str) -> bool:
    """A rating or weight describing a thing ("600千瓦机组", "重达5吨的炭块"), not a statistic."""
    if q.base in MONEY_LIKE or q.kind == "rank":
        return False
    if post.startswith("的") and not post.startswith(("的基础上", "的水平")) and (q.base in PHYSICAL or q.base in _THINGS):
        return True
    # "装机容量37.5亿千瓦": a national total takes a magnitude; a weight or rating does not.
    if q.base in PHYSICAL and q.unit == q.base and _WEIGHT_CUE.search(pre):
        return True
    if q.base == "千瓦" and post[:1] and "\u4e00" <= post[0] <= "\u9fff" and post[0] not in "和及与、以左上":
        return True
    # "4个100%清零", "5个零增加": a count naming a slogan.
    return q.base in _SLOTS and post[:1] in tuple("0123456789零\"“")


def is_denominator(s: str, q: Quantity, clause_pre: str, next_same_unit: int | None) -> bool:
    """'41个工业大类行业中37个…', '在统计的623种产品中': the count says what others are out of.

    Counts of indicators ("5个评价指标", "18个评价指标指数") describe the statistics themselves.
    """
    after = s[q.end : q.end + 16]
    if q.base in _SLOTS and _CATEGORY.match(after):
        return True
    m = re.match(r"[\u4e00-\u9fffA-Za-z&的\d]{0,14}?中(?!国|央|心|部|铝|小|型|等)", after)
    if not m:
        return False
    if "在" in clause_pre:
        return True
    return next_same_unit is not None and next_same_unit - (q.end + m.end()) <= 12
