"""Mapping statistics no series fitted when they were loaded, after the catalog has grown."""

from __future__ import annotations

import duckdb

from etl.catalog import Catalog


def remap_unmapped(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> int:
    """Give series ids to unmapped observations the catalog now fits; returns how many."""
    rows = con.execute(
        "SELECT obs_id, indicator, subject, unit, period_start, period_end FROM observations "
        "WHERE series_id IS NULL AND value IS NOT NULL"
    ).fetchall()
    updates = []
    for obs_id, indicator, subject, unit, start, end in rows:
        series = catalog.match(indicator or "", subject or "", unit, start, end)
        if series is not None:
            updates.append((series.id, obs_id))
    if updates:
        con.executemany("UPDATE observations SET series_id = ? WHERE obs_id = ?", updates)
    return len(updates)
