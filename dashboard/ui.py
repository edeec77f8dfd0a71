"""Small Streamlit helpers every page shares: language, the warehouse guard, friendly errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import streamlit as st

from dashboard import data
from dashboard.i18n import DEFAULT_LANG, LANGS, t
from dashboard.safe_text import markdown_text
from etl.errors import PulseError

LANG_KEY = "lang"


def lang() -> str:
    """The interface language: the sidebar switch, first seeded from ?lang= in the URL."""
    if LANG_KEY not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state[LANG_KEY] = wanted if wanted in LANGS else DEFAULT_LANG
    return st.session_state[LANG_KEY]


def language_switch() -> str:
    current = lang()
    st.sidebar.segmented_control(
        t("language", current), LANGS, key=LANG_KEY, required=True,
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
    return st.session_state[LANG_KEY]


def warehouse(lang_code: str) -> tuple[Path, str]:
    """(db, version) of the published warehouse, or a friendly message and the page stops."""
    db = data.db_path()
    version = data.warehouse_version(db)
    if version is None:
        st.info(t("no_warehouse", lang_code, path=markdown_text(db)))
        st.stop()
    return db, version


def age_text(published_at: str | None, lang_code: str) -> str:
    if not published_at:
        return "—"
    try:
        then = datetime.fromisoformat(published_at)
    except ValueError:
        return published_at
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, int((datetime.now(UTC) - then).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days:
        return t("age_days", lang_code, n=days)
    return t("age_hours", lang_code, n=hours) if hours else t("age_minutes", lang_code, n=minutes)


def version_caption(lang_code: str) -> None:
    """The warehouse version and its age, in the sidebar."""
    db = data.db_path()
    version = data.warehouse_version(db)
    if version is None:
        return
    try:
        meta = data.info(db, version)
    except (PulseError, duckdb.Error):
        return
    published = meta.get("published_at", "")
    st.sidebar.caption(t("data_as_of", lang_code, number=meta.get("version", "?"),
                         published=f"{published[:16].replace('T', ' ')} ({age_text(published, lang_code)})"))


@contextmanager
def friendly_errors(lang_code: str) -> Iterator[None]:
    """A warehouse that vanished or cannot be read becomes one sentence, not a traceback; a query
    that fails says so with DuckDB's own first line (not "cannot read the warehouse")."""
    try:
        yield
    except (PulseError, duckdb.IOException, OSError) as exc:
        st.warning(t("warehouse_unreadable", lang_code, error=markdown_text(first_line(exc))))
    except duckdb.Error as exc:
        st.error(t("query_failed", lang_code, error=markdown_text(first_line(exc))))


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def chart(fig, key: str, config: dict | None = None, simulated: bool = False, lang_code: str = "zh", *,
          title: str | None = None, series: tuple[str, ...] = (), views: tuple[str, ...] = (),
          as_of: date | None = None) -> None:
    """A chart, and under it a PNG download of it as a card: title, unit, sources, the date of the
    newest data drawn, the warehouse version, a simulated mark (dashboard/briefing/card.py).
    Rendered only when clicked, on the briefings' warm Chromium (started with the first chart).
    series: the series drawn (their publishers and documents); views: the plant views read;
    as_of: the data's date when the x axis holds none (a histogram of one day)."""
    from dashboard.briefing.card import card_png_later
    from dashboard.briefing.export import warm_up
    from dashboard.charts import mark_simulated

    height = int(fig.layout.height or 480)
    png = card_png_later(fig, data.db_path(), lang_code, width=1200, height=height, scale=2, title=title,
                         series=tuple(series), views=tuple(views), as_of=as_of, simulated=simulated)
    if simulated:  # the card has its own mark; the page's chart gets the stamp
        fig = mark_simulated(fig, lang_code)
    st.plotly_chart(fig, key=key, config={"displaylogo": False, **(config or {})})
    warm_up()
    st.download_button(
        "PNG", data=png, file_name=f"{key}.png", help=t("card_png", lang_code),
        mime="image/png", key=f"{key}_png", icon=":material/download:", type="tertiary",
    )


# Metric labels and values wrap instead of ending in "…": the words that tell two cards apart and
# the unit of a value stay visible at any column width (Streamlit truncates both to one line).
_CARD_CSS = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricValue"] { font-size: 1.75rem; line-height: 1.2; overflow-wrap: anywhere; }
</style>"""


def wrap_card_text() -> None:
    st.html(_CARD_CSS)
