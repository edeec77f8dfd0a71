"""What `pulse status` and the app's sources page report about the published warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl.read import connect_readonly, frame

if TYPE_CHECKING:  # `pulse status` prints rows and must not pay polars' import (status_rows)
    import polars as pl

STATUS_QUERIES = {
    "counts": "SELECT (SELECT count(*) FROM series) AS series,"
    " (SELECT count(DISTINCT series_id) FROM v_observations) AS series_with_data,"
    " (SELECT count(*) FROM observations) AS observations,"
    " (SELECT count(*) FROM v_observations) AS current_observations,"
    " (SELECT count(*) FROM documents) AS documents,"
    " (SELECT count(*) FROM loads) AS loads,"
    " (SELECT count(*) FROM rejects) AS rejects,"
    " (SELECT count(*) FROM v_unmapped) AS unmapped",
    "loads": "SELECT load_id, finished_at, files_loaded, files_skipped, files_rejected, rows_loaded,"
    " rows_rejected FROM loads ORDER BY load_id DESC LIMIT 5",
    "rejects": "SELECT load_id, file_path, row_number, reason, quarantined_to FROM rejects"
    " ORDER BY rejected_at DESC LIMIT 20",
    "unmapped": "SELECT * FROM v_unmapped",
}


def status_frames(db: Path) -> dict[str, pl.DataFrame]:
    con = connect_readonly(db)
    try:
        return {name: frame(con, sql) for name, sql in STATUS_QUERIES.items()}
    finally:
        con.close()


def status_rows(db: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """The same queries as (column names, rows), plus "info" (warehouse_info's key/value rows)."""
    con = connect_readonly(db)
    try:
        out = {}
        for name, sql in {"info": "SELECT key, value FROM warehouse_info", **STATUS_QUERIES}.items():
            cursor = con.execute(sql)
            out[name] = ([d[0] for d in cursor.description], cursor.fetchall())
        return out
    finally:
        con.close()
