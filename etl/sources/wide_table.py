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

from etl.periods import PeriodError, check_not_future, parse_period
from etl.sources._report import BadRows
from etl.sources._tabular import TABLE_SUFFIXES, Table, head_rows, read_tables
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
    """Every table of the file (each visible sheet of a workbook) must be a wide table."""
    observations: list[RawObservation] = []
    title = path.stem
    for i, table in enumerate(read_tables(path, ctx.settings)):
        table_title, found = _table_observations(table, ctx)
        observations += found
        title = table_title if i == 0 else title
    return Extracted(title=title, observations=observations, strict_series=True)


def _table_observations(table: Table, ctx: SourceContext) -> tuple[str, list[RawObservation]]:
    name, rows = table.name, table.rows
    h = _header_index(rows)
    if h is None:
        raise SourceError(f"{name}: no header row of periods (e.g. 指标,2025年9月,2025年8月); check the export.")
    columns = _columns(rows[h], name)
    title = next((r[0] for r in rows[:h] if r and r[0]), Path(name).stem)
    bad = BadRows(name, ctx.settings.max_reported_rows)
    _check_future(columns, ctx.settings.max_future_days, bad)
    levels: dict[tuple[str, date, date], RawObservation] = {}
    growth: list[tuple[int, str, str, _Column, str]] = []
    for n, row in enumerate(rows[h + 1 :], start=h + 2):
        if not row or not row[0]:
            continue
        if _FOOTNOTE.match(row[0]):
            break
        try:
            indicator, unit = _split_indicator(row[0], f"{name} row {n}", n)
        except SourceError as exc:
            bad.add_error(exc)
            continue
        for col in columns:
            cell = row[col.index].strip() if col.index < len(row) else ""
            if cell in _MISSING:
                continue
            if not _is_number(cell):
                bad.add(n, f"column {col.label}: '{cell}' is not a number; fix the cell or leave it empty")
                continue
            start = date(col.end.year, 1, 1) if "累计" in indicator else col.start
            if unit in ("%", "％") and _GROWTH.search(indicator):
                growth.append((n, indicator, cell, col, unit))
                continue
            obs = RawObservation(
                value_as_written=cell, unit_as_written=unit, period_start=start, period_end=col.end,
                period_label=col.label, indicator=indicator, quote=f"{row[0]} {col.label}: {cell}", row=n,
            )
            _put_once(levels, (_base_name(indicator), start, col.end), obs, bad)
    bad.raise_if_any()
    return title, _attach_growth(levels, growth, bad)


def _put_once(found: dict, key: tuple, obs: RawObservation, bad: BadRows) -> None:
    """Two rows stating one indicator and period: reject both rows by name, never 'last wins'."""
    first = found.setdefault(key, obs)
    if first is not obs and parse_number(first.value_as_written) != parse_number(obs.value_as_written):
        bad.add(obs.row, f"{obs.indicator} {obs.period_label} is {obs.value_as_written} here but "
                         f"{first.value_as_written} in row {first.row}; keep the right one")


def _check_future(columns: list[_Column], max_future_days: int, bad: BadRows) -> None:
    for col in columns:
        try:
            check_not_future(col.end, max_future_days)
        except PeriodError as exc:
            bad.add(None, f"column {col.index + 1} '{col.label}': {exc}; fix the header")


def _columns(header: list[str], name: str) -> list[_Column]:
    columns: list[_Column] = []
    for i, cell in enumerate(header[1:], start=1):
        try:
            start, end = parse_period(cell)
        except PeriodError:
            continue
        twin = next((c for c in columns if (c.start, c.end) == (start, end)), None)
        if twin is not None:
            raise SourceError(f"{name}: columns {twin.index + 1} '{twin.label}' and {i + 1} '{cell}' are the same "
                              "period; keep one of them, so no value is silently dropped.")
        columns.append(_Column(i, cell, start, end))
    return columns


def _split_indicator(cell: str, where: str, row: int) -> tuple[str, str]:
    m = _INDICATOR.match(cell)
    if not m:
        raise SourceError(f"{where}: indicator '{cell}' has no unit in parentheses, e.g. 十种有色金属产量(万吨).",
                          row=row)
    return m.group("name").strip(), m.group("unit").strip()


def _is_number(cell: str) -> bool:
    try:
        parse_number(cell)
    except UnitError:
        return False
    return True


def _base_name(name: str) -> str:
    """十种有色金属产量累计值 / 十种有色金属产量累计增长 -> 十种有色金属产量."""
    name = _GROWTH.sub("", name)
    return re.sub(r"(当期值|累计值|当期|累计|本月|本期)$", "", name)


def _attach_growth(levels: dict, growth: list, bad: BadRows) -> list[RawObservation]:
    """A growth row beside its level row becomes the level's change_pct; alone, it is a rate."""
    out = dict(levels)
    attached: dict[tuple, tuple[int, str]] = {}  # level key -> (row, cell) of the growth given to it
    for n, name, cell, col, unit in growth:
        start = date(col.end.year, 1, 1) if "累计" in name else col.start
        key = (_base_name(name), start, col.end)
        if key in attached:
            first_row, first_cell = attached[key]
            if parse_number(first_cell) != parse_number(cell):
                bad.add(n, f"{name} {col.label} is {cell} here but {first_cell} in row {first_row}; keep the right one")
        elif key in out:
            level = out[key]
            out[key] = RawObservation(**{**level.__dict__, "change_pct": float(parse_number(cell)), "change_kind": "yoy"})
            attached[key] = (n, cell)
        else:
            obs = RawObservation(
                value_as_written=cell, unit_as_written=unit, period_start=start, period_end=col.end,
                period_label=col.label, indicator=name, quote=f"{name}({unit}) {col.label}: {cell}", row=n,
            )
            _put_once(out, (name, start, col.end), obs, bad)
    bad.raise_if_any()
    return list(out.values())
