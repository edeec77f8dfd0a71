"""The normalize stage: a source's RawObservations -> warehouse rows (canonical units, series ids).

Strict sources (tables) must map every row to a known series with a fitting unit; lenient ones
(bulletins) keep statistics no series fits, with series_id null, to be mapped on a later load.
Table sources hand over an ObservationTable instead; etl.normalize_table makes the same decisions
once per distinct value in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.catalog import Catalog, Series, base_from_text
from etl.sources._report import BadRows
from etl.sources.base import RawObservation
from etl.units import UnitError, to_canonical


class NormalizeError(ValueError):
    """One row that cannot be stored; the message says why and what to do."""


@dataclass(frozen=True)
class Row:
    series_id: str | None
    value: float | None
    unit: str | None
    raw: RawObservation


def normalize(raw: RawObservation, catalog: Catalog, strict: bool, extra_series: set[str]) -> Row:
    series = _named_series(raw, catalog, extra_series)
    expected = series.unit if isinstance(series, Series) else None
    try:
        value, unit = to_canonical(raw.value_as_written, raw.unit_as_written, expected)
    except UnitError as exc:
        if strict:
            raise NormalizeError(f"{exc}; fix the unit or the series id") from None
        return Row(None, None, None, raw)
    if series is None:
        base = raw.index_base or base_from_text(raw.quote)
        series = catalog.match(raw.indicator, raw.subject, unit, raw.period_start, raw.period_end, base)
        if series is None and strict:
            raise NormalizeError(
                f"indicator '{raw.indicator}' matches no catalog series; add an alias to data/catalog.toml"
            )
    series_id = series.id if isinstance(series, Series) else series
    return Row(series_id, value, unit, raw)


def _named_series(raw: RawObservation, catalog: Catalog, extra: set[str]) -> Series | str | None:
    if not raw.series_id:
        return None
    series = catalog.resolve_id(raw.series_id)
    if series is not None:
        return series
    if raw.series_id in extra:  # a series a source registered itself (plant KPIs)
        return raw.series_id
    raise NormalizeError(f"unknown series '{raw.series_id}'; add it to data/catalog.toml or fix the id")


def normalize_all(
    observations: list[RawObservation], catalog: Catalog, strict: bool, extra_series: set[str],
    file_name: str, max_reported: int,
) -> list[Row]:
    """Every observation normalized, or one SourceError naming every row that cannot be stored
    (up to `max_reported`, then "and N more"), so a person fixes them all in one pass."""
    bad = BadRows(file_name, max_reported)
    rows = []
    for raw in observations:
        try:
            rows.append(normalize(raw, catalog, strict, extra_series))
        except NormalizeError as exc:
            bad.add(raw.row, f"{exc}.")
    bad.raise_if_any()
    return rows
