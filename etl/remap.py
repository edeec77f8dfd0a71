"""Mapping statistics no series fitted when they were loaded, after the catalog (or the unit
table) has grown: values whose unit was unknown are scaled now, then matched."""

from __future__ import annotations

import duckdb

from etl import current
from etl.catalog import Catalog
from etl.units import UnitError, to_canonical


def remap_unmapped(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> int:
    """Give series ids to unmapped observations the catalog now fits; returns how many."""
    rows = con.execute(
        "SELECT obs_id, indicator, subject, value, unit, value_as_written, unit_as_written, period_start,"
        " period_end, coalesce(index_base, '') FROM observations WHERE series_id IS NULL"
    ).fetchall()
    updates = []
    for obs_id, indicator, subject, value, unit, written, written_unit, start, end, base in rows:
        if value is None:
            try:
                value, unit = to_canonical(written or "", written_unit or "")
            except UnitError:
                continue
        series = catalog.match(indicator or "", subject or "", unit, start, end, base or None)
        if series is not None:
            updates.append((series.id, value, unit, obs_id))
    if updates:
        con.executemany("UPDATE observations SET series_id = ?, value = ?, unit = ?, unmapped_reason = NULL WHERE obs_id = ?", updates)
        # unmapped rows are in no key of obs_current: only their new keys need ranking
        current.touch(con, "obs_id IN (SELECT unnest(?::BIGINT[]))", [[u[-1] for u in updates]])
    return len(updates)
