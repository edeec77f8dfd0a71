"""Units as written -> canonical units, scaled exactly (万 = 1e4, 亿 = 1e8, 万亿 = 1e12).

A unit belongs to a dimension (mass, money, price, ...); a series declares its canonical unit,
and a value whose unit has another dimension is refused rather than silently mis-scaled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from etl.lexicon import LEXICON, traditional


class UnitError(ValueError):
    """A unit we cannot read, or one whose dimension does not fit the series."""


@dataclass(frozen=True)
class Unit:
    canonical: str  # t, CNY, CNY/t, CNY/g, kWh, %, pp, index, count, ...
    dimension: str
    factor: Decimal  # canonical value = written value * factor


def normalise_unit_text(text: str) -> str:
    t = (text or "").strip().translate(traditional())  # 萬噸 is 万吨
    t = t.replace("（", "(").replace("）", ")").replace("／", "/").replace(" ", "")
    return t.lower() if t.isascii() else t


# Base units and magnitudes come from the one lexicon (etl/lexicon.toml): written -> (canonical, dimension, factor).
_BASE: dict[str, tuple[str, str, Decimal]] = {
    normalise_unit_text(w): (u.canonical, u.dimension, u.factor) for w, u in LEXICON.units.items()
}  # keyed as parse_unit looks up ("GWh" -> "gwh")
_PREFIXES: list[tuple[str, Decimal]] = sorted(LEXICON.magnitudes.items(), key=lambda kv: len(kv[0]), reverse=True)
# Dimensions a magnitude cannot scale ("万%", "万元/吨" is a price, not ten thousand prices).
_NO_MAGNITUDE = ("ratio", "pp", "index", "multiple", "price", "rank")

_INDEX_RE = re.compile(r"^(指数)?[(（]?\d{4}\s*[=＝]\s*100[)）]?$")


def parse_unit(written: str) -> Unit:
    """Read a unit as written ("万吨", "亿元", "元/吨", "指数(2015=100)", "") into a Unit."""
    text = normalise_unit_text(written)
    if text in ("指数",) or _INDEX_RE.match(text):
        return Unit("index", "index", Decimal(1))
    if text in _BASE:
        canonical, dim, factor = _BASE[text]
        return Unit(canonical, dim, Decimal(factor))
    for prefix, mult in _PREFIXES:
        rest = normalise_unit_text(text[len(prefix) :])  # "万kWh": the symbol after the magnitude
        if text.startswith(prefix) and rest in _BASE:
            canonical, dim, factor = _BASE[rest]
            if dim.startswith(_NO_MAGNITUDE):
                break
            return Unit(canonical, dim, Decimal(factor) * Decimal(mult))
    raise UnitError(f"unknown unit '{written}'")


def dimension_of(canonical: str) -> str:
    """The dimension of a canonical unit, as used by the catalog."""
    for canon, dim, _ in _BASE.values():
        if canon == canonical:
            return dim
    if canonical == "index":
        return "index"
    raise UnitError(f"unknown canonical unit '{canonical}'")


# ASCII digits only (full-width ones are translated first); commas or spaces only as valid
# thousands grouping, so "7,9,6" is refused rather than read as 796.
_NUMBER_RE = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?P<sep>[, ])[0-9]{3}(?:(?P=sep)[0-9]{3})*|[0-9]+)(?:\.[0-9]*)?"
                        r"|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Scaled by up to 1e12 (万亿) and stored as a float: anything near float's limit is a typo, not a statistic.
_MAX_EXPONENT = 290


def parse_number(text: str) -> Decimal:
    """A number as written: full-width digits, thousands separators, a leading sign."""
    t = (text or "").strip()
    if not t.isascii():  # full-width digits and typographic minus signs; most cells are plain ASCII
        t = t.translate(_FULLWIDTH)
        t = "-" + t[1:] if t[:1] in "−—" else t
    match = _NUMBER_RE.fullmatch(t)
    if match is None:
        raise UnitError(f"'{text}' is not a number")
    try:
        value = Decimal(t.replace(match.group("sep"), "") if match.group("sep") else t)
    except InvalidOperation:  # an exponent past Decimal's own limit (1e99999999999999999999)
        raise UnitError(f"'{text}' is not a finite number of a plausible size") from None
    if value and value.adjusted() > _MAX_EXPONENT:
        raise UnitError(f"'{text}' is not a finite number of a plausible size")
    return value


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")


def to_canonical(value_as_written: str, unit_as_written: str, expected_unit: str | None = None) -> tuple[float, str]:
    """Scale a written value exactly to its canonical unit; check the series' unit if given."""
    unit = parse_unit(unit_as_written)
    if expected_unit is not None and expected_unit != unit.canonical:
        if dimension_of(expected_unit) != unit.dimension:
            raise UnitError(
                f"unit '{unit_as_written or '(none)'}' does not fit a series measured in {expected_unit}"
            )
    value = parse_number(value_as_written) * unit.factor
    return float(value), unit.canonical
