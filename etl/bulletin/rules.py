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

_FILL = r"(?:了|同比|环比|分别|均|约|近|超过|超|达|达到|为|高达|仅|逾|接近|突破)*"
_INC = r"增长|增加|上涨|上升|提高|提升|扩大|加快|多增|新增|增|涨|升|提速|回升|反弹"
_DEC = r"下降|降低|减少|回落|下跌|下滑|减|降|少增|缩小|放缓|收缩"
RATE_VERB = re.compile(r"(?P<verb>" + _DEC + "|" + _INC + r")" + _FILL + r"$")
RATE_NOUN = re.compile(r"(?P<verb>增速|增幅|涨幅|降幅|跌幅|增长率|增长速度)" + _FILL + r"(?:为|是|在)?" + _FILL + r"$")
DEC_WORDS = frozenset(("下降", "降低", "减少", "回落", "下跌", "下滑", "减", "降", "少增", "缩小", "放缓", "收缩",
                       "降幅", "跌幅"))
PP_DEC = re.compile(r"(低于|慢于|回落|下降|降低|减少|收窄|放缓|下滑|缩小|低|慢|少|减)")
PP_ANY = re.compile(r"(低于|慢于|回落|下降|降低|减少|收窄|放缓|下滑|缩小|高于|快于|高出|提高|加快|上升|扩大|"
                    r"回升|增加|低|慢|少|减|高|快|多|增)")
RANK_CUE = re.compile(r"(排名|位居|居|位列|名列|排在|排|列)[^,，;；。]{0,10}$")
STREAK = re.compile(r"连续(?:第)?$")
STREAK_YEARS = re.compile(r"连续(?P<num>\d{1,2})年")
INDEX_CUE = re.compile(r"指数(?:\([^)]{0,12}\))?(?:为|是|达到|达|分别为)$|分别为$")
# Kinds of change named before a rate ("同比增长" -> yoy).
_KIND_CUES = (("环比", "mom"), ("比上月", "mom"), ("较上月", "mom"), ("同比", "yoy"), ("比去年同期", "yoy"),
              ("较去年同期", "yoy"), ("比上年同期", "yoy"), ("比上年", "vs_prev_year"), ("较上年", "vs_prev_year"),
              ("比去年", "vs_prev_year"), ("较去年", "vs_prev_year"), ("比上届", "vs_prev_year"))
# What may stand between the start of a clause and a change verb for the rate to belong to the
# level stated just before ("…余额270.39万亿元，同比增长6.6%").
ATTACH = re.compile(r"^(?:" + "|".join(c for c, _ in _KIND_CUES) + r"|分别|均|也|则|增速|增幅|涨幅|降幅|"
                    r"大幅|较快|稳步|持续|实现|累计|分别比上年|分别比去年|同比分别)*$")
STOCK = re.compile(r"余额|存量|保有量|拥有量|库存|总人口")
PHYSICAL = frozenset(("吨", "千克", "公斤", "千瓦", "公里", "平方米", "平方公里", "立方米", "公顷", "亩"))
MONEY_LIKE = frozenset(("元", "美元", "港元", "欧元", "%", "‰", "个百分点", "百分点"))
# A unit followed by one of these is stated, not used as an attribute ("19吨铝合金焊材" is stated).
_WEIGHT_CUE = re.compile(r"(重|重达|载重|重约|容量为?)$")


@dataclass(frozen=True)
class Reading:
    kind: str  # rate, ratio, pp, delta, level, rank, streak, multiple
    sign: int = 1
    change_kind: str | None = None


def change_kind_of(text: str) -> str | None:
    for cue, kind in _KIND_CUES:
        if cue in text:
            return kind
    return None


def read_quantity(q: Quantity, pre: str) -> Reading | None:
    """What the quantity states, judged from the clause text before it; None if not a statistic."""
    if q.kind == "rank":
        return Reading("rank") if RANK_CUE.search(pre) else None
    if q.base in ("个百分点", "百分点"):
        verbs = PP_ANY.findall(pre)
        sign = -1 if verbs and PP_DEC.fullmatch(verbs[-1]) else 1
        return Reading("pp", sign)
    if q.base in ("个月",) and STREAK.search(pre):
        return Reading("streak")
    m = RATE_VERB.search(pre) or RATE_NOUN.search(pre)
    if q.base in ("%", "‰"):
        if m:
            return Reading("rate", -1 if m.group("verb") in DEC_WORDS else 1, change_kind_of(pre))
        return Reading("ratio")
    if q.base == "倍":
        return Reading("multiple")
    if m and RATE_VERB.search(pre):
        return Reading("delta", -1 if m.group("verb") in DEC_WORDS else 1)
    return Reading("level")


def is_attribute(q: Quantity, pre: str, post: str) -> bool:
    """A rating or weight describing a thing ("600千瓦机组", "重达5吨的炭块"), not a statistic."""
    if q.base in MONEY_LIKE or q.kind == "rank":
        return False
    if post.startswith("的") and not post.startswith(("的基础上", "的水平")) and (q.base in PHYSICAL or q.base in ("个", "种", "项", "家", "处")):
        return True
    if q.base in PHYSICAL and _WEIGHT_CUE.search(pre):
        return True
    if q.base == "千瓦" and post[:1] and "\u4e00" <= post[0] <= "\u9fff" and post[0] not in "和及与、以左上":
        return True
    # "4个100%清零", "5个零增加": a count naming a slogan.
    return q.base in ("个", "项", "种") and post[:1] in tuple("0123456789零\"“")


def is_denominator(s: str, q: Quantity, clause_pre: str, next_same_unit: int | None) -> bool:
    """'41个工业大类行业中37个…', '在统计的623种产品中': the count says what others are out of.

    Counts of indicators ("5个评价指标", "18个评价指标指数") describe the statistics themselves.
    """
    after = s[q.end : q.end + 16]
    if q.base in ("个", "项") and re.match(r"[\u4e00-\u9fff]{0,6}指标", after):
        return True
    m = re.match(r"[\u4e00-\u9fffA-Za-z&的\d]{0,14}?中(?!国|央|心|部|铝|小|型|等)", after)
    if not m:
        return False
    if "在" in clause_pre:
        return True
    return next_same_unit is not None and next_same_unit - (q.end + m.end()) <= 12
