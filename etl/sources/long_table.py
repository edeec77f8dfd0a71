"""Long tables: one observation per row, with a catalog series id (the reference history's format).

Required columns: series_id, period_start, period_end, value, unit. Optional: change_pct,
change_kind, frequency, indicator_zh, subject, source_url, source_quote. CSV (UTF-8, BOM, GBK,
UTF-16) or XLSX. Every bad row is named (up to settings.max_reported_rows), not only the first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.periods import future_problem, latest_allowed_end
from etl.sources._report import BadRows
from etl.sources._tabular import TABLE_SUFFIXES, Table, duplicate_columns, head_rows, read_tables
from etl.sources.base import Extracted, RawObservation, SourceContext, SourceError
from etl.units import UnitError, parse_number

KIND = "long_table"
PRIORITY = 10
REQUIRED = ("series_id", "period_start", "period_end", "value", "unit")


def detect(path: Path, head: bytes) -> bool:
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return False
    rows = head_rows(path, head, limit=1)
    if not rows:
        return False
    header = {c.strip().lower() for c in rows[0]}
    return "series_id" in header and len(header & set(REQUIRED)) >= 3


def extract(path: Path, ctx: SourceContext) -> Extracted:
    """Every table of the file (each visible sheet of a workbook) must be a long table."""
    observations: list[RawObservation] = []
    for table in read_tables(path, ctx.settings):
        observations += _table_observations(table, ctx)
    return Extracted(title=path.stem, observations=observations, strict_series=True)


def _table_observations(table: Table, ctx: SourceContext) -> list[RawObservation]:
    name, rows = table.name, table.rows
    if not rows:
        raise SourceError(f"{name} is empty; put a header and rows in it.")
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(
            f"{name}: missing column(s) {', '.join(missing)}; a long table needs {', '.join(REQUIRED)}."
        )
    if twice := duplicate_columns(header):
        raise SourceError(f"{name}: {twice}; keep one of them, so no value is silently dropped.")
    col = {column: i for i, column in enumerate(header)}
    bad = BadRows(name, ctx.settings.max_reported_rows)
    latest = latest_allowed_end(ctx.settings.max_future_days)
    observations = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            observations.append(_observation(name, n, row, col, latest, ctx.settings.max_future_days))
        except SourceError as exc:
            bad.add_error(exc)
    _check_duplicates(observations, bad)
    bad.raise_if_any()
    if not observations:
        raise SourceError(f"{name} has a header but no data rows; add rows or remove the file.")
    return observations


def _check_duplicates(observations: list[RawObservation], bad: BadRows) -> None:
    """Two rows for one series, subject and period with different values: which is right is the
    person's call, never 'the last one wins'. Equal values are a harmless repeat."""
    seen: dict[tuple, RawObservation] = {}
    for obs in observations:
        key = (obs.series_id, obs.subject, obs.period_start, obs.period_end)
        first = seen.setdefault(key, obs)
        if first is not obs and parse_number(first.value_as_written) != parse_number(obs.value_as_written):
            bad.add(obs.row, f"{obs.series_id} {obs.period_label} is {obs.value_as_written} here but "
                             f"{first.value_as_written} in row {first.row}; keep the right one")


def _get(row: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def _observation(
    name: str, n: int, row: list[str], col: dict[str, int], latest: date, max_future_days: int,
) -> RawObservation:
    where = f"{name} row {n}"
    start = _date(_get(row, col, "period_start"), where, "period_start", n)
    end = _date(_get(row, col, "period_end"), where, "period_end", n)
    if start > end:
        raise SourceError(f"{where}: period_start {start} is after period_end {end}; swap or fix them.", row=n)
    if end > latest:  # the limit is computed once per table: this runs for every row
        raise SourceError(f"{where}: {future_problem(end, max_future_days)}; fix the date.", row=n)
    value = _get(row, col, "value")
    try:
        parse_number(value)
    except UnitError:
        raise SourceError(f"{where}: value '{value}' is not a number; fix it or remove the row.", row=n) from None
    change = _get(row, col, "change_pct")
    try:
        change_pct = float(parse_number(change)) if change else None
    except UnitError:
        raise SourceError(f"{where}: change_pct '{change}' is not a number; fix it or leave it empty.", row=n) from None
    return RawObservation(
        series_id=_get(row, col, "series_id"),
        value_as_written=value,
        unit_as_written=_get(row, col, "unit"),
        period_start=start,
        period_end=end,
        period_label=f"{start}..{end}",
        indicator=_get(row, col, "indicator_zh"),
        subject=_get(row, col, "subject"),
        change_pct=change_pct,
        change_kind=(_get(row, col, "change_kind") or "yoy") if change_pct is not None else None,
        quote=_get(row, col, "source_quote"),
        source_url=_get(row, col, "source_url") or None,
        row=n,
    )


def _date(text: str, where: str, column: str, row: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SourceError(f"{where}: {column} '{text}' is not a real date (YYYY-MM-DD); fix it.", row=row) from None
