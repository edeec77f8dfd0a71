"""Wide NBS-style exports: an indicator column with the unit in parentheses, one column per period.

    数据库：月度数据            <- optional header lines
    地区：全国
    指标,2025年9月,2025年8月,…
    十种有色金属产量当期值(万吨),612.3,…
    十种有色金属产量累计值(万吨),6124.9,…
    十种有色金属产量同比增长(%),3.1,…   <- attached to the level row as change_pct
    注：…                       <- footnotes end the table

累计 rows cover Jan 1 to the column's month end; 当期 rows the column's period. Empty cells are gaps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.periods import PeriodError, parse_period
from etl.sources._tabular import TABLE_SUFFIXES, head_rows, read_rows
from etl.sources.base import Extracted, RawObservation, SourceContext, SourceError
from etl.units import UnitError, parse_number

KIND = "wide_table"
PRIORITY = 20
_FOOTNOTE = re.compile(r"^(注|数据来源|来源|说明|备注)\s*[:：]")
_INDICATOR = re.compile(r"^(?P<name>.+?)\s*[(（](?P<unit>[^()（）]*)[)）]\s*$")
_GROWTH = re.compile(r"(同比|累计)?(增长|增速|增减)$")
_MISSING = {"", "-", "—", "--", "…", "...", "null", "NA"}


@dataclass(frozen=True)
class _Column:
    index: int
    label: str
    start: date
    end: date


def detect(path: Path, head: bytes) -> bool:
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return False
    rows = head_rows(path, head)
    return bool(rows) and _header_index(rows) is not None


def _period_cells(row: list[str]) -> int:
    n = 0
    for cell in row[1:]:
        try:
            parse_period(cell)
            n += 1
        except PeriodError:
            pass
    return n


def _header_index(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows):
        if len(row) >= 2 and _period_cells(row) >= max(1, (len(row) - 1) // 2):
            return i
    return None


def extract(path: Path, ctx: SourceContext) -> Extracted:
    rows = read_rows(path)
    h = _header_index(rows)
    if h is None:
        raise SourceError(f"{path.name}: no header row of periods (e.g. 指标,2025年9月,2025年8月); check the export.")
    columns = _columns(rows[h])
    title = next((r[0] for r in rows[:h] if r and r[0]), path.stem)
    levels: dict[tuple[str, date, date], RawObservation] = {}
    growth: list[tuple[int, str, str, _Column, str]] = []
    for n, row in enumerate(rows[h + 1 :], start=h + 2):
        if not row or not row[0]:
            continue
        if _FOOTNOTE.match(row[0]):
            break
        name, unit = _split_indicator(row[0], f"{path.name} row {n}")
        for col in columns:
            cell = row[col.index].strip() if col.index < len(row) else ""
            if cell in _MISSING:
                continue
            _check_number(cell, f"{path.name} row {n}, column {col.label}")
            start = date(col.end.year, 1, 1) if "累计" in name else col.start
            if unit in ("%", "％") and _GROWTH.search(name):
                growth.append((n, name, cell, col, unit))
                continue
            levels[(_base_name(name), start, col.end)] = RawObservation(
                value_as_written=cell, unit_as_written=unit, period_start=start, period_end=col.end,
                period_label=col.label, indicator=name, quote=f"{row[0]} {col.label}: {cell}", row=n,
            )
    return Extracted(title=title, observations=_attach_growth(levels, growth), strict_series=True)


def _columns(header: list[str]) -> list[_Column]:
    columns = []
    for i, cell in enumerate(header[1:], start=1):
        try:
            start, end = parse_period(cell)
        except PeriodError:
            continue
        columns.append(_Column(i, cell, start, end))
    return columns


def _split_indicator(cell: str, where: str) -> tuple[str, str]:
    m = _INDICATOR.match(cell)
    if not m:
        raise SourceError(f"{where}: indicator '{cell}' has no unit in parentheses, e.g. 十种有色金属产量(万吨).")
    return m.group("name").strip(), m.group("unit").strip()


def _check_number(cell: str, where: str) -> None:
    try:
        parse_number(cell)
    except UnitError:
        raise SourceError(f"{where}: '{cell}' is not a number; fix the cell or leave it empty.") from None


def _base_name(name: str) -> str:
    """十种有色金属产量累计值 / 十种有色金属产量累计增长 -> 十种有色金属产量."""
    name = _GROWTH.sub("", name)
    return re.sub(r"(当期值|累计值|当期|累计|本月|本期)$", "", name)


def _attach_growth(levels: dict, growth: list) -> list[RawObservation]:
    """A growth row beside its level row becomes the level's change_pct; alone, it is a rate."""
    out = dict(levels)
    for n, name, cell, col, unit in growth:
        start = date(col.end.year, 1, 1) if "累计" in name else col.start
        key = (_base_name(name), start, col.end)
        if key in out and out[key].change_pct is None:
            level = out[key]
            out[key] = RawObservation(**{**level.__dict__, "change_pct": float(parse_number(cell)), "change_kind": "yoy"})
        else:
            out[(name, start, col.end)] = RawObservation(
                value_as_written=cell, unit_as_written=unit, period_start=start, period_end=col.end,
                period_label=col.label, indicator=name, quote=f"{name}({unit}) {col.label}: {cell}", row=n,
            )
    return list(out.values())
