"""Numbers with units as Chinese statistical prose writes them, found in compact text.

A *quantity* is a number (Arabic digits, thousands separators, a decimal part; or a Chinese
numeral after 百分之 / in a rank 第三位), an optional 余/多 ("600余家"), and a unit with an optional
magnitude (万, 亿, 万亿 …). Numbers without a unit are not quantities (dates, codes, phone numbers,
issue numbers fall out here); index values ("指数为174.2") are found by the rules module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.lexicon import LEXICON, alt, cn_decimal, cn_int

MAGNITUDE = r"(?:" + alt(LEXICON.magnitudes) + r")"
# Units from the lexicon, longest spelling first. People/households need a magnitude (class
# "people"): national statistics count people in 万人; a bare "46人" is narrative.
_NEEDS_MAGNITUDE = LEXICON.people_units()
SCANNED_UNITS = tuple(LEXICON.scanned_units())
_UNIT_ALT = alt(SCANNED_UNITS)
_RANK_UNITS = alt(LEXICON.words["rank_units"])

# (?<![...]) keeps digits of codes, model names and decimals out: "CN41-0063", "Au9999", "5G".
# A minus right after a word or a list mark is a sign ("利润总额-35.6亿元", "7.3%、-4.7%"), not after a unit or a digit (a range).
# After a verb's 至 it is a sign too ("降至-43美元/干吨"), not a range's dash.
_SIGN = r"(?:(?<=[\u4e00-\u9fff:、,;(])(?<![万亿千百十吨元克米位个家项年月日至到])|(?<=[降跌减落升涨增]至))(?P<neg>-)"
# A letter right after the digits is a code ("5G") unless it starts a unit in SI symbols ("1000GWh").
_ASCII_UNIT = alt(u for u in SCANNED_UNITS if u.isascii())
NUMBER = (r"(?:" + _SIGN + r"|(?<![\dA-Za-z.'_/\-])|(?<=[^\dA-Za-z]-))(?P<num>\d{1,3}(?:'\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
          r"(?![\d'])(?:(?![A-Za-z])|(?=(?:" + _ASCII_UNIT + r")(?![A-Za-z])))")
QUANTITY = re.compile(
    NUMBER + r"(?P<approx>余|多)?(?P<unit>(?P<mag>" + MAGNITUDE + r")?(?P<base>" + _UNIT_ALT + r"))"
)
PERCENT_CN = re.compile(r"百分之(?P<cn>[零〇一二两三四五六七八九十百点]+)")
RANK = re.compile(r"第(?P<cn>\d+|[一二三四五六七八九十百]+)(?P<unit>" + _RANK_UNITS + ")")
BARE = re.compile(NUMBER)
# "52万-57万吨", "80至100万吨": the lower bound takes the upper bound's unit (GOLD.md: two rows).
RANGE_LOW = re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?P<lomag>" + MAGNITUDE + r")?(?:[-—–~]|至|到)"
                       r"(?=\d+(?:\.\d+)?(?P<mag>" + MAGNITUDE + r")?(?P<base>" + _UNIT_ALT + r"))")
# A magnitude with its unit cut off by a column break ("增加6.35万" + next paragraph).
TRUNCATED = re.compile(NUMBER + r"(?P<mag>" + MAGNITUDE + r")")
# Thousands separators: "64,161吨", "78,285" (full-width commas are half-width by now).
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: str  # as written: no thousands separators, unsigned
    unit: str  # as written: magnitude + base ("万亿元"), "" for an index
    base: str
    approx: bool = False
    kind: str = "number"  # number, percent_cn, rank, bare, truncated


def protect_thousands(s: str) -> str:
    """Mark thousands commas as "'" so clause splitting does not cut numbers (same length)."""
    return _THOUSANDS.sub(lambda m: m.group().replace(",", "'"), s)


def find_quantities(s: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in QUANTITY.finditer(s):
        if m.group("base") in _NEEDS_MAGNITUDE and not m.group("mag"):
            continue
        value = (m.group("neg") or "") + m.group("num").replace("'", "")
        out.append(Quantity(m.start(), m.end(), value, m.group("unit"), m.group("base"), bool(m.group("approx"))))
    taken = {q.start for q in out}
    for m in RANGE_LOW.finditer(s):
        if m.start() not in taken and m.group("base") not in _NEEDS_MAGNITUDE:
            unit = (m.group("lomag") or m.group("mag") or "") + m.group("base")
            out.append(Quantity(m.start(), m.end("num") + len(m.group("lomag") or ""), m.group("num"), unit,
                                m.group("base"), kind="range_low"))
    for m in PERCENT_CN.finditer(s):
        value = cn_decimal(m.group("cn"))
        if value is not None:
            out.append(Quantity(m.start(), m.end(), value, "%", "%", kind="percent_cn"))
    for m in RANK.finditer(s):
        n = cn_int(m.group("cn"))
        if n is not None:
            out.append(Quantity(m.start(), m.end(), str(n), m.group("unit"), m.group("unit"), kind="rank"))
    out.sort(key=lambda q: q.start)
    return out
