"""Units as written -> canonical units, scaled exactly (万 = 1e4, 亿 = 1e8, 万亿 = 1e12).

A unit belongs to a dimension (mass, money, price, ...); a series declares its canonical unit,
and a value whose unit has another dimension is refused rather than silently mis-scaled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


class UnitError(ValueError):
    """A unit we cannot read, or one whose dimension does not fit the series."""


@dataclass(frozen=True)
class Unit:
    canonical: str  # t, CNY, CNY/t, CNY/g, kWh, %, pp, index, count, ...
    dimension: str
    factor: Decimal  # canonical value = written value * factor


# Base units (no magnitude prefix). Keys are normalised spellings.
_BASE: dict[str, tuple[str, str, str]] = {
    # written: (canonical, dimension, factor)
    "吨": ("t", "mass", "1"),
    "t": ("t", "mass", "1"),
    "kt": ("t", "mass", "1e3"),
    "mt": ("t", "mass", "1e6"),
    "千克": ("t", "mass", "1e-3"),
    "公斤": ("t", "mass", "1e-3"),
    "kg": ("kg", "mass_kg", "1"),
    "克": ("g", "mass_g", "1"),
    "元": ("CNY", "money", "1"),
    "人民币元": ("CNY", "money", "1"),
    "美元": ("USD", "money_usd", "1"),
    "元/吨": ("CNY/t", "price_mass", "1"),
    "元/t": ("CNY/t", "price_mass", "1"),
    "元/克": ("CNY/g", "price_gram", "1"),
    "元/g": ("CNY/g", "price_gram", "1"),
    "元/人": ("CNY/person", "money_per_person", "1"),
    "千瓦时": ("kWh", "energy", "1"),
    "度": ("kWh", "energy", "1"),
    "kwh": ("kWh", "energy", "1"),
    "千瓦时/吨": ("kWh/t", "energy_per_mass", "1"),
    "%": ("%", "ratio", "1"),
    "个百分点": ("pp", "pp", "1"),
    "百分点": ("pp", "pp", "1"),
    "pp": ("pp", "pp", "1"),
    "": ("index", "index", "1"),
    "点": ("index", "index", "1"),
    "index": ("index", "index", "1"),
    "家": ("count", "count", "1"),
    "个": ("count", "count", "1"),
    "项": ("count", "count", "1"),
    "处": ("count", "count", "1"),
    "种": ("count", "count", "1"),
    "件": ("count", "count", "1"),
    "名": ("count", "count", "1"),
    "人": ("count", "count", "1"),
    "台": ("count", "count", "1"),
    "套": ("count", "count", "1"),
    "count": ("count", "count", "1"),
    "个月": ("months", "duration_months", "1"),
    "月": ("months", "duration_months", "1"),
    "年": ("years", "duration_years", "1"),
    "天": ("days", "duration_days", "1"),
    "平方米": ("m2", "area", "1"),
    "立方米": ("m3", "volume", "1"),
    "m3": ("m3", "volume", "1"),
    "m³": ("m3", "volume", "1"),
    "mv": ("mV", "voltage", "1"),
    "毫伏": ("mV", "voltage", "1"),
    "a": ("A", "current", "1"),
    "安": ("A", "current", "1"),
    "°c": ("°C", "temperature", "1"),
    "千瓦": ("kW", "power", "1"),
    "kw": ("kW", "power", "1"),
    "元/千瓦时": ("CNY/kWh", "price_energy", "1"),
    "美元/吨": ("USD/t", "price_mass_usd", "1"),
    "吨标准煤": ("tce", "energy_coal", "1"),
    "公里": ("km", "length", "1"),
    "千米": ("km", "length", "1"),
    "公顷": ("ha", "area_ha", "1"),
    "亩": ("mu", "area_mu", "1"),
    "倍": ("x", "multiple", "1"),
    "户": ("count", "count", "1"),
    "人次": ("count", "count", "1"),
    "座": ("count", "count", "1"),
    "辆": ("count", "count", "1"),
    "艘": ("count", "count", "1"),
    "次": ("count", "count", "1"),
    "℃": ("°C", "temperature", "1"),
}

_PREFIXES: list[tuple[str, str]] = [  # longest first
    ("万亿", "1e12"),
    ("千亿", "1e11"),
    ("百亿", "1e10"),
    ("亿", "1e8"),
    ("千万", "1e7"),
    ("百万", "1e6"),
    ("十万", "1e5"),
    ("万", "1e4"),
]

_INDEX_RE = re.compile(r"^(指数)?[(（]?\d{4}\s*[=＝]\s*100[)）]?$")


def normalise_unit_text(text: str) -> str:
    t = (text or "").strip().replace("（", "(").replace("）", ")").replace("／", "/").replace(" ", "")
    return t.lower() if t.isascii() else t


def parse_unit(written: str) -> Unit:
    """Read a unit as written ("万吨", "亿元", "元/吨", "指数(2015=100)", "") into a Unit."""
    text = normalise_unit_text(written)
    if text in ("指数",) or _INDEX_RE.match(text):
        return Unit("index", "index", Decimal(1))
    if text in _BASE:
        canonical, dim, factor = _BASE[text]
        return Unit(canonical, dim, Decimal(factor))
    for prefix, mult in _PREFIXES:
        if text.startswith(prefix) and text[len(prefix) :] in _BASE:
            canonical, dim, factor = _BASE[text[len(prefix) :]]
            if dim in ("ratio", "pp", "index", "multiple") or dim.startswith("price"):
                break  # "万%" or "万元/吨" as a magnitude makes no sense for these
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
    value = Decimal(t.replace(match.group("sep"), "") if match.group("sep") else t)
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
