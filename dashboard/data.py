"""The app's data access: short-lived read-only queries returning polars frames.

Every cached function takes the warehouse `version` (etl.read.warehouse_version) as an argument,
so a publish by `pulse load` invalidates the caches on the next interaction. No connection is
held between calls: each query attaches the published file READ_ONLY and closes it at once,
so the loader is never blocked.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.cards import build_cards, read_cards
from etl.read import connect_readonly, warehouse_version
from etl.read import frame as read_frame
from etl.read import warehouse_info as read_warehouse_info
from etl.read import weld_rows as read_weld_rows
from etl.settings import Settings, load_settings

__all__ = ["warehouse_version"]

PLANT_VIEWS = ("v_weld_daily", "v_weld_pchart", "v_weld_yield_chart", "v_weld_defects", "v_gallium_ichart", "v_gallium_batches",
               "v_spc_alerts", "v_weld_shift")


def settings() -> Settings:
    """Settings for this app process; `pulse serve --db` passes the warehouse as PULSE_DB."""
    return load_settings(db=os.environ.get("PULSE_DB") or None)


def db_path() -> Path:
    return settings().db


def _query(db: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    con = connect_readonly(db)
    try:
        return read_frame(con, sql, params)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=8)
def relations(db: Path, version: str) -> frozenset[str]:
    """Names of the tables and views in the published warehouse."""
    frame = _query(db, "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'pulse'")
    return frozenset(frame.get_column("table_name").to_list())


@st.cache_data(show_spinner=False, max_entries=8)
def info(db: Path, version: str) -> dict[str, str]:
    """warehouse_info as a dict (version = publish counter or lake snapshot, published_at = ISO timestamp)."""
    frame = _query(db, "SELECT key, value FROM warehouse_info")
    published = read_warehouse_info(db)
    return dict(frame.iter_rows()) | {"version": str(published.number), "published_at": published.published_at}


@st.cache_data(show_spinner=False, max_entries=8)
def series_list(db: Path, version: str) -> pl.DataFrame:
    """Every series with observations: ids, names, category, unit, how many points, first/last period."""
    return _query(db, """
        SELECT s.series_id, s.name_zh, s.name_en, s.subject, s.category, s.kind, s.cumulative, s.family,
               f.name_zh AS family_zh, f.name_en AS family_en,
               coalesce(s.display_unit, '') AS display_unit, count(*) AS points,
               min(o.period_end) AS first_end, max(o.period_end) AS last_end
        FROM v_observations o JOIN series s USING (series_id) LEFT JOIN series f ON f.series_id = s.family
        GROUP BY ALL ORDER BY s.category, s.series_id""")


_OBS_COLUMNS = """series_id, name_zh, name_en, subject, category, kind, cumulative, family, frequency,
    period_start, period_end, display_value AS value, coalesce(display_unit, '') AS unit, change_pct,
    change_kind, derived, document, quote, simulated, publisher, published, loaded_on, source_link,
    document_title"""


@st.cache_data(show_spinner=False, max_entries=32)
def observations(db: Path, version: str, series_ids: tuple[str, ...]) -> pl.DataFrame:
    """Current-vintage observations of the given series (display units), ordered by period."""
    if not series_ids:
        return pl.DataFrame()
    return _query(db, f"SELECT {_OBS_COLUMNS} FROM v_observations WHERE series_id IN (SELECT unnest(?)) "
                      "ORDER BY series_id, period_end, period_start", [list(series_ids)])


def stale_limits(s: Settings) -> dict[str, int]:
    """Months after its period end a figure is still current, per frequency (settings)."""
    return {"A": s.stale_months_annual, "Q": s.stale_months_quarterly, "M": s.stale_months_monthly}


@st.cache_data(show_spinner=False, max_entries=8)
def overview_cards(db: Path, version: str, today: date | None = None) -> pl.DataFrame:
    """One row per family (see dashboard/cards.py): the freshest figure, its YoY (published
    preferred), as-of period, stale flag, provenance, last 24 values for the sparkline."""
    today = today or date.today()
    if "card_facts" in relations(db, version):  # computed at publish (etl/views/150_card_facts.sql)
        cards = read_cards(db, today, stale_limits(settings()))
    else:  # a warehouse published before card_facts existed: the same cards, computed here
        cards = computed_cards(db, today)
    return headline_order(cards)


def headline_order(cards: pl.DataFrame) -> pl.DataFrame:
    """Within a category: current figures before stale ones, the freshest first, single-period
    series before year-to-date twins, then the series with the most history."""
    if cards.is_empty():
        return cards
    return cards.sort("category", "stale", "period_end", "cumulative", "points", "series_id",
                      descending=[False, False, True, False, True, False])


def computed_cards(db: Path, today: date) -> pl.DataFrame:
    """build_cards over the warehouse: card_facts' reference computation (and its fallback)."""
    # The cards need the recent past only (latest value, a year earlier, 24 sparkline points):
    # the last three years of each series, with the full count kept for ordering.
    frame = _query(db, f"""SELECT {_OBS_COLUMNS}, count(*) OVER (PARTITION BY series_id) AS points
        FROM v_observations
        QUALIFY period_end >= max(period_end) OVER (PARTITION BY series_id) - INTERVAL 3 YEAR""")
    if frame.is_empty():
        return frame
    points = frame.group_by("series_id").agg(pl.col("points").first())
    return build_cards(frame.drop("points"), today, stale_limits(settings())).join(points, on="series_id")


# ---- plant ---------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=8)
def plant_view(db: Path, version: str, view: str, where: str = "", params: tuple = ()) -> pl.DataFrame:
    """All rows of one plant view (empty frame when the view is absent)."""
    if view not in PLANT_VIEWS or view not in relations(db, version):
        return pl.DataFrame()
    return _query(db, f"SELECT * FROM {view} {where}", list(params))


def weld_rows(db: Path, day, line: str | None = None, robot: str | None = None) -> pl.DataFrame | None:
    """Raw weld telemetry of one day (None when the plant module offers no drill-down)."""
    con = connect_readonly(db)
    try:
        return read_weld_rows(con, day, line=line, robot=robot)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=8)
def weld_rows_cached(db: Path, version: str, day, line: str | None = None,
                     robot: str | None = None) -> pl.DataFrame | None:
    """weld_rows, cached per warehouse version (a day's raw welds do not change between publishes)."""
    return weld_rows(db, day, line=line, robot=robot)


# ---- sources -------------------------------------------------------------------------------

_SOURCE_QUERIES = {
    # a table citing a page per row has no single publisher: `cited_publishers` says how many it cites
    "documents": """SELECT publisher, title, published, source_url, file_name, kind, size_bytes, simulated, load_id,
                           (SELECT count(*) FROM observations o WHERE o.document_id = d.document_id) AS observations,
                           (SELECT count(DISTINCT o.publisher) FROM observations o
                            WHERE o.document_id = d.document_id) AS cited_publishers
                    FROM documents d ORDER BY load_id DESC, file_name""",
    "loads": "SELECT * FROM loads ORDER BY started_at DESC",
    "conflicts": "SELECT * FROM v_conflicts",
    "decisions": "SELECT * FROM v_review_decisions",
    "change_check": "SELECT * FROM v_change_check",
    "rejects": "SELECT rejected_at, file_path, row_number, reason, quarantined_to FROM rejects ORDER BY rejected_at DESC",
    "unmapped": """SELECT o.subject, o.indicator, o.period_label, o.period_start, o.period_end, o.value_as_written,
                          o.unit_as_written, o.change_pct, o.unmapped_reason AS reason, d.file_name AS document, o.quote
                   FROM observations o JOIN documents d USING (document_id)
                   WHERE o.series_id IS NULL ORDER BY d.file_name, o.obs_id""",
}


@st.cache_data(show_spinner=False, max_entries=16)
def source_table(db: Path, version: str, name: str) -> pl.DataFrame:
    return _query(db, _SOURCE_QUERIES[name])


# ---- periods to pick from (issue 16 language: pickers offer the data's periods, not a calendar) ----

@st.cache_data(show_spinner=False, max_entries=8)
def month_ends(db: Path, version: str) -> list[date]:
    """Month ends that some observation ends on, newest first (the Briefing page's "as of" choice)."""
    frame = _query(db, """SELECT DISTINCT period_end FROM v_observations
                          WHERE period_end = last_day(period_end) ORDER BY period_end DESC""")
    return frame.get_column("period_end").to_list()
