"""The Sources page's operations section: recent fetches, deliveries and alert firings, errors first.

These records live in the operations journal (etl/journal.py), not the warehouse, so they show even
before the first load and while a load is publishing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.safe_text import markdown_text
from dashboard.table_text import labelled
from etl import journal

COLUMNS = {
    "fetches": ["at", "source", "status", "http_status", "url", "bytes", "saved_to", "error"],
    "deliveries": ["at", "target", "kind", "item", "status", "attempts", "error"],
    "alert_firings": ["at", "rule", "series", "period", "value", "detail", "snoozed_until"],
}
FAILED = {"fetches": "failed", "deliveries": "failed"}


def operations_frames(db: Path, limit: int = 200) -> dict[str, pl.DataFrame]:
    """The newest journal rows per table, failures first (then newest first)."""
    frames = {}
    for table, columns in COLUMNS.items():
        rows = journal.recent(db, table, limit)
        frame = pl.DataFrame(rows, schema={c: pl.Utf8 for c in columns}, strict=False) if rows else \
            pl.DataFrame(schema={c: pl.Utf8 for c in columns})
        frame = frame.select(columns)
        if table in FAILED:
            frame = frame.sort(pl.col("status") != FAILED[table], maintain_order=True)
        frames[table] = frame
    return frames


def recent_operations(db: Path, lang: str) -> None:
    st.subheader(t("ops_title", lang))
    st.caption(t("ops_hint", lang))
    try:
        frames = operations_frames(db)
    except (sqlite3.Error, OSError) as exc:  # the journal is optional: say why it is not shown
        st.warning(t("ops_unreadable", lang, error=markdown_text(str(exc).splitlines()[0]) if str(exc) else type(exc).__name__))
        return
    tabs = st.tabs([t("ops_fetches", lang), t("ops_deliveries", lang), t("ops_alerts", lang)])
    for tab, (table, frame) in zip(tabs, frames.items(), strict=True):
        with tab:
            if frame.is_empty():
                st.caption(t("none", lang))
                continue
            if table in FAILED and (failed := frame.filter(pl.col("status") == FAILED[table]).height):
                st.warning(t("ops_failed", lang, count=failed))
            st.dataframe(labelled(frame, lang), hide_index=True, width="stretch")
