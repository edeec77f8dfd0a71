"""The series catalog (data/catalog.toml): ids, names, aliases, units; and mapping onto it.

A statistic maps to a series when one of the series' aliases appears in its subject + indicator
text, the series' unit has the statistic's dimension, and its period shape fits: a cumulative
(year-to-date) period picks the `cumulative` twin of a family. The longest alias wins.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.errors import PulseError
from etl.units import UnitError, dimension_of, parse_unit

_SEQUENTIAL = re.compile(r"环比|比上月|比上季|较上月|较上季")
# forecasts and targets are not the published values of a series; they stay unmapped
_NOT_ACTUAL = re.compile(r"预计|预测|预期|目标|力争|计划|规划")
KINDS = ("flow", "stock", "rate", "price", "index")
# An index's base as a text states it: 以2005年为100, 以2015年为基期, 2005=100, 上年=100.
_BASE_YEAR = re.compile(r"以\s*(\d{4})\s*年?\s*为\s*(?:100|基期|基年)|(\d{4})\s*年?\s*=\s*100")
_BASE_PREV = re.compile(r"上年\s*(?:同期)?\s*=\s*100|以上年(?:同期)?为\s*100")


def base_from_text(text: str | None) -> str | None:
    """The index base a quote states, normalised ("2005=100", "prev_year=100"), or None."""
    if not text:
        return None
    if _BASE_PREV.search(text):
        return "prev_year=100"
    hit = _BASE_YEAR.search(text)
    return f"{hit.group(1) or hit.group(2)}=100" if hit else None

def could_state_base_sql(expr: str) -> str:
    """An SQL test true for every text base_from_text finds a base in (it needs 上年, or 以 and 为,
    or '='), so bulk checks ask Python only about the few texts that pass it."""
    return f"(contains({expr}, '上年') OR (contains({expr}, '以') AND contains({expr}, '为')) OR contains({expr}, '='))"


FREQUENCIES = ("A", "Q", "M", "D", "S", "B")  # year, quarter, month, day, shift, batch


@dataclass(frozen=True)
class Series:
    id: str
    name_zh: str
    name_en: str
    subject: str
    category: str
    unit: str
    display_unit: str
    frequency: str
    kind: str
    aliases: tuple[str, ...] = ()
    cumulative: bool = False
    family: str | None = None
    description: str = ""
    base: str | None = None  # an index's base, normalised like index_base: "2015=100"
    short_zh: str = ""  # display name where space is short (Overview cards); name_zh everywhere else
    short_en: str = ""

    @property
    def display_factor(self) -> float:
        """Canonical value / display_factor = the number shown in display_unit."""
        if not self.display_unit:
            return 1.0
        return float(parse_unit(self.display_unit).factor)


def _squash(text: str) -> str:
    return re.sub(r"[\s\"“”'‘’]+", "", text or "")


def is_cumulative_period(start: date | None, end: date | None) -> bool:
    """Jan 1 .. a month end other than Jan 31 and Dec 31: a year-to-date span."""
    if start is None or end is None or start == end:
        return False
    return start.month == 1 and start.day == 1 and end.month not in (1, 12) and end.year == start.year


@dataclass
class Catalog:
    series: dict[str, Series]
    path: Path | None = None
    # subject (as series name it: 全国, 云铝股份) -> (English name as the subject publishes it, short form)
    subjects_en: dict[str, tuple[str, str]] = field(default_factory=dict)
    _aliases: list[tuple[str, tuple[str, ...], Series]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for s in self.series.values():
            for alias in s.aliases:
                parts = tuple(_squash(p) for p in alias.split("+") if p.strip())
                self._aliases.append((alias, parts, s))
        self._aliases.sort(key=lambda a: -sum(len(p) for p in a[1]))

    def get(self, series_id: str) -> Series | None:
        return self.series.get(series_id)

    def resolve_id(self, name: str) -> Series | None:
        """An id as written in a table: an exact id, else an exact alias of one series."""
        if name in self.series:
            return self.series[name]
        hits = {s.id: s for alias, _, s in self._aliases if alias == name and not s.cumulative}
        return next(iter(hits.values())) if len(hits) == 1 else None

    def match(
        self,
        indicator: str,
        subject: str = "",
        unit: str | None = None,
        period_start: date | None = None,
        period_end: date | None = None,
        index_base: str | None = None,
        cumulative: bool | None = None,
    ) -> Series | None:
        """The catalog series a statistic states, or None when none fits."""
        return self.match_with_reason(indicator, subject, unit, period_start, period_end, index_base, cumulative)[0]

    def match_with_reason(
        self,
        indicator: str,
        subject: str = "",
        unit: str | None = None,
        period_start: date | None = None,
        period_end: date | None = None,
        index_base: str | None = None,
        cumulative: bool | None = None,
    ) -> tuple[Series | None, str | None]:
        """(series, None), or (None, why not) when a series fitted but its index base differs.
        `cumulative` stands for the period when the caller decides once per period shape (tables)."""
        text = _squash(subject) + "|" + _squash(indicator)
        if _NOT_ACTUAL.search(text):
            return None, None
        sequential = bool(_SEQUENTIAL.search(text))
        if cumulative is None:
            cumulative = is_cumulative_period(period_start, period_end)
        dim = _dimension_or_none(unit) if unit is not None else None
        reason = None
        for _alias, parts, s in self._aliases:
            if not all(p in text for p in parts):
                continue
            if dim is not None and _dimension_or_none(s.unit) != dim:
                continue
            if sequential and s.kind == "rate":  # a month-on-month rate is not a yoy series' value
                continue
            if s.cumulative != cumulative:
                twin = self._twin(s, cumulative)
                if twin is None:
                    continue
                s = twin
            if index_base and s.base and index_base != s.base:
                # a value on another base is another number: never put it on this series' scale
                reason = reason or f"base {index_base}, series {s.id} base {s.base}"
                continue
            return s, None
        return None, reason

    def _twin(self, s: Series, cumulative: bool) -> Series | None:
        if cumulative:
            return next((t for t in self.series.values() if t.family == s.id and t.cumulative), None)
        return self.series.get(s.family) if s.family else None


def _dimension_or_none(unit: str) -> str | None:
    try:
        return dimension_of(unit)
    except UnitError:
        return None


class CatalogError(PulseError):
    """The catalog file itself is wrong."""


_REQUIRED = ("id", "name_zh", "name_en", "subject", "category", "unit", "display_unit", "frequency", "kind")


def load_catalog(path: Path) -> Catalog:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise CatalogError(f"catalog {path} not found; set PULSE_CATALOG or restore data/catalog.toml.") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"catalog {path} is not valid TOML ({exc}); fix the line it names.") from None
    series: dict[str, Series] = {}
    for n, entry in enumerate(raw.get("series", []), start=1):
        missing = [k for k in _REQUIRED if k not in entry]
        if missing:
            raise CatalogError(f"catalog {path}: series #{n} lacks {', '.join(missing)}; add them.")
        if entry["id"] in series:
            raise CatalogError(f"catalog {path}: series id '{entry['id']}' appears twice; keep one.")
        if entry["kind"] not in KINDS:
            raise CatalogError(f"catalog {path}: series '{entry['id']}' has kind '{entry['kind']}'; use one of {KINDS}.")
        try:
            dimension_of(entry["unit"])
            if entry["display_unit"]:
                parse_unit(entry["display_unit"])
        except UnitError as exc:
            raise CatalogError(f"catalog {path}: series '{entry['id']}': {exc}.") from None
        if entry.get("base") is not None and entry["kind"] != "index":
            raise CatalogError(f"catalog {path}: series '{entry['id']}' has a base but is not an index; drop it.")
        entry = dict(entry, aliases=tuple(entry.get("aliases", ())))
        series[entry["id"]] = Series(**entry)
    return Catalog(series, path, _subjects(path, raw.get("subjects", {})))


def _subjects(path: Path, raw: dict) -> dict[str, tuple[str, str]]:
    """[subjects] "云铝股份" = { en = "Yunnan Aluminium Co., Ltd.", short_en = "Yunnan Aluminium" }"""
    out = {}
    for subject, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("en"), str):
            raise CatalogError(f"catalog {path}: subject '{subject}' needs an English name: "
                               f'"{subject}" = {{ en = "..." }}.')
        out[subject] = (entry["en"], str(entry.get("short_en") or entry["en"]))
    return out
