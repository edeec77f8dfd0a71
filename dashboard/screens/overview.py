"""总览 Overview: headline KPI cards by category, plant alerts. Layout only."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, tones, ui
from dashboard.i18n import (
    CATEGORY_ORDER,
    category_name,
    format_change,
    format_number,
    format_period,
    series_name,
    source_text,
    t,
)
from dashboard.names import short_name, short_names
from dashboard.plant_tables import alerts_table
from dashboard.safe_text import markdown_text

CARDS_PER_CATEGORY = 8
COLUMNS = 4

lang = ui.lang()
st.title(t("overview_title", lang))
db, version = ui.warehouse(lang)
shorts = short_names(data.settings().catalog)
ui.wrap_card_text()


def card(row: dict) -> None:
    with st.container(border=True):
        change = row.get("change")
        delta = None
        if change is not None:
            kind = t("yoy_computed" if row.get("change_computed") else "yoy_published", lang)
            delta = f"{format_change(change, row['change_unit'], arrow=False, lang=lang)} {t('yoy', lang)} ({kind})"
        spark = [v for v in (row.get("spark") or []) if v is not None]
        full = series_name(row["name_zh"], row["name_en"], lang)
        st.metric(
            markdown_text(short_name(row["series_id"], row["name_zh"], row["name_en"], lang, shorts)),  # a label is markdown
            format_number(row["value"], row["unit"], lang),
            delta=delta,
            delta_color=tones.metric_delta_color(row["series_id"], row.get("category")),  # see dashboard.tones
            chart_data=spark if len(spark) > 1 else None,
            help=f"{full} · {_source(row)}",  # the full name and where the figure comes from
        )
        as_of = t("as_of", lang, period=format_period(row["period_start"], row["period_end"], lang))
        st.caption(f"{as_of} · ⚠ {t('stale', lang)}" if row.get("stale") else as_of,
                   help=t("stale_help", lang) if row.get("stale") else None)
        if row.get("simulated"):
            st.caption(f":red[{t('simulated_mark', lang)}]")
        st.page_link("screens/explore.py", label=t("open_in_explore", lang), icon=":material/show_chart:",
                     query_params={"s": row["series_id"], "lang": lang})


def _source(row: dict) -> str:
    return source_text(row.get("publisher"), row.get("published"), row.get("loaded_on"), row.get("source_link"), lang)


def _change(row: dict) -> str:
    if row.get("change") is None:
        return "—"
    kind = t("yoy_computed" if row.get("change_computed") else "yoy_published", lang)
    return f"{format_change(row['change'], row.get('change_unit') or '%', lang=lang)} ({kind})"


def more_table(group: pl.DataFrame) -> None:
    rows = [{
        t("col_series", lang): series_name(r["name_zh"], r["name_en"], lang),
        t("col_value", lang): format_number(r["value"], r["unit"], lang),
        t("yoy", lang): _change(r),
        t("col_period", lang): format_period(r["period_start"], r["period_end"], lang),
        t("col_source", lang): _source(r),
    } for r in group.iter_rows(named=True)]
    st.dataframe(rows, hide_index=True, width="stretch")


ALERTS_SHOWN = 50


def plant_alerts() -> None:
    st.subheader(t("plant_alerts", lang))
    # the Plant page's own query (cached per version), so whichever page comes second reads it warm
    alerts = data.plant_view(db, version, "v_spc_alerts", "ORDER BY period_end DESC").head(ALERTS_SHOWN)
    if alerts.is_empty():
        st.caption(t("no_alerts", lang) if "v_spc_alerts" in data.relations(db, version) else t("no_plant", lang))
        return
    st.dataframe(alerts_table(alerts, lang), hide_index=True, width="stretch")
    st.page_link("screens/plant.py", label=t("page_plant", lang), icon=":material/factory:")


with ui.friendly_errors(lang):
    cards = data.overview_cards(db, version)
    if cards.is_empty():
        st.info(t("empty_warehouse", lang))
        st.stop()
    categories = [c for c in CATEGORY_ORDER if c in set(cards.get_column("category").to_list())]
    categories += sorted({c for c in cards.get_column("category").to_list() if c and c not in categories})
    for category in categories:
        group = cards.filter(pl.col("category") == category)
        st.subheader(f"{category_name(category, lang)} · {t('n_series', lang, n=group.height)}")
        columns = st.columns(COLUMNS)
        for i, row in enumerate(group.head(CARDS_PER_CATEGORY).iter_rows(named=True)):
            with columns[i % COLUMNS]:
                card(row)
        if group.height > CARDS_PER_CATEGORY:
            # drawn only while open (its state is tracked): a closed table costs the page nothing
            with st.expander(f"+{group.height - CARDS_PER_CATEGORY}", key=f"ov_more_{category}",
                             on_change="rerun") as more:
                if more.open:
                    more_table(group.slice(CARDS_PER_CATEGORY))
    plant_alerts()
