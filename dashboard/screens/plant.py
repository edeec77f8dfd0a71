"""工厂 Plant: weld yield p-chart, per-robot panels, defect Pareto, voltage drop, gallium recovery."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, plant_charts, ui
from dashboard.exports import frame_csv
from dashboard.i18n import format_day, format_number, t, unit_label
from dashboard.plant_tables import alerts_table, defect_name, weld_table

WELD_TARGET_PCT = 99.9
GALLIUM_PUBLISHED_PCT = 84.6

lang = ui.lang()
st.title(t("plant_title", lang))
db, version = ui.warehouse(lang)
max_points = data.settings().max_points
SIMULATED = False  # set from the data below: every chart (and its PNG) then says "simulated"


def simulated(frame: pl.DataFrame) -> bool:
    return "simulated" in frame.columns and bool(frame.get_column("simulated").fill_null(False).any())


def defects_and_vdrop(line: str, line_daily: pl.DataFrame) -> None:
    left, right = st.columns(2)
    defects = data.plant_view(db, version, "v_weld_defects", "WHERE line = ?", (line,))
    if "defect_code" in defects.columns:  # Pareto bars named in the reader's language
        defects = defects.with_columns(pl.col("defect_code").map_elements(
            lambda c: defect_name(c, lang), return_dtype=pl.Utf8, skip_nulls=False))
    with left:
        ui.chart(plant_charts.pareto(defects, lang, title=t("defect_pareto", lang)), key="pl_pareto",
                 simulated=SIMULATED, lang_code=lang, views=("v_weld_defects",))
    with right:
        robots = sorted(line_daily.get_column("robot").unique().drop_nulls().to_list())
        robot = st.selectbox(t("robot", lang), robots, key="pl_robot")
        per_day = line_daily.filter(pl.col("robot") == robot).sort("day")
        ui.chart(plant_charts.percentile_lines(per_day, lang, title=f"{t('vdrop', lang)} · {robot}",
                                         max_points=max_points), key="pl_vdrop", simulated=SIMULATED, lang_code=lang,
                 views=("v_weld_daily",))


def weld_section(daily: pl.DataFrame) -> None:
    lines = sorted(daily.get_column("line").unique().drop_nulls().to_list())
    line = st.selectbox(t("line", lang), lines, key="pl_line")
    line_daily = daily.filter(pl.col("line") == line)
    pchart = data.plant_view(db, version, "v_weld_yield_chart", "WHERE line = ? AND robot IS NULL ORDER BY day", (line,))
    alerts = pchart.filter(pl.col("out_of_control").fill_null(False)).height if not pchart.is_empty() else 0
    k1, k2, k3 = st.columns(3)
    if not pchart.is_empty():
        k1.metric(t("kpi_yield_latest", lang), format_number(pchart.get_column("yield_pct")[-1], "%", lang),
                  delta=f"{pchart.get_column('yield_pct')[-1] - WELD_TARGET_PCT:+.2f} {unit_label('pp', lang)} "
                        f"{t('target', lang)}",
                  delta_color="normal")
    k2.metric(t("welds", lang), f"{int(line_daily.get_column('welds').sum()):,}")
    k3.metric(t("kpi_alerts", lang), alerts)
    # One chart per tab, drawn only while its tab is open: the first paint sends one weld chart, not four.
    tab_yield, tab_robots, tab_defects = st.tabs(
        [t("weld_yield", lang), t("per_robot", lang), f"{t('defect_pareto', lang)} · {t('vdrop', lang)}"],
        key="pl_tab", on_change="rerun")
    if tab_yield.open:
        with tab_yield:
            ui.chart(plant_charts.pchart(pchart, lang, WELD_TARGET_PCT, title=f"{t('weld_yield', lang)} · {line}",
                                   max_points=max_points), key="pl_pchart", simulated=SIMULATED, lang_code=lang,
                     views=("v_weld_yield_chart",))
    if tab_robots.open:
        with tab_robots:
            ui.chart(plant_charts.small_multiples(line_daily, lang, facet="robot", target=WELD_TARGET_PCT,
                                            title=t("per_robot", lang), max_points=max_points),
                     key="pl_robots", simulated=SIMULATED, lang_code=lang, views=("v_weld_daily",))
    if tab_defects.open:
        with tab_defects:
            defects_and_vdrop(line, line_daily)
    drill_down(line, daily)


GRID_ROWS = 1000  # the grid is for reading; all rows are in the CSV download


def drill_down(line: str, daily: pl.DataFrame) -> None:
    # The raw query runs only while the expander is open (its state is tracked), not on every rerun.
    with st.expander(t("drill_day", lang), key="pl_drill_open", on_change="rerun") as panel:
        if not panel.open:
            return
        days = daily.get_column("day")
        c1, c2 = st.columns(2)
        # the days that have data, newest first: no calendar (Streamlit's speaks English only)
        day = c1.selectbox(t("drill_day", lang), days.unique().sort(descending=True).to_list(), key="pl_day",
                           format_func=lambda d: format_day(d, lang), placeholder=t("choose_hint", lang))
        robots = sorted(daily.filter(pl.col("line") == line).get_column("robot").unique().drop_nulls().to_list())
        robot = c2.selectbox(t("robot", lang), [None, *robots], key="pl_drill_robot",
                             format_func=lambda r: t("all_robots", lang) if r is None else r)
        rows = data.weld_rows_cached(db, version, day, line=line, robot=robot)
        if rows is None:
            st.caption(t("no_drill", lang))
            return
        st.caption(t("drill_rows", lang, n=f"{rows.height:,}"))
        vdrop = next((c for c in rows.columns if "vdrop" in c or "voltage" in c), None)
        if vdrop:
            ui.chart(plant_charts.histogram(rows, vdrop, lang, unit="mV", title=t("vdrop", lang)), key="pl_hist",
                     simulated=SIMULATED, lang_code=lang, views=("v_weld_daily",), as_of=day)
        table = weld_table(rows, lang)
        if table.height > GRID_ROWS:
            st.info(t("rows_shown", lang, shown=f"{GRID_ROWS:,}", total=f"{table.height:,}"))
        st.dataframe(table.head(GRID_ROWS), hide_index=True, width="stretch")
        st.download_button(t("download_csv", lang), frame_csv(table),
                           file_name=f"pulse-welds-{day}-{line}{'-' + robot if robot else ''}.csv",
                           mime="text/csv", key="pl_drill_csv")


def gallium_section() -> None:
    ichart = data.plant_view(db, version, "v_gallium_ichart", "ORDER BY started_at")
    if ichart.is_empty():
        return
    st.subheader(t("gallium_recovery", lang))
    c1, c2 = st.columns(2)
    c1.metric(t("kpi_recovery_latest", lang), format_number(ichart.get_column("recovery_pct")[-1], "%", lang),
              delta=f"{ichart.get_column('recovery_pct')[-1] - GALLIUM_PUBLISHED_PCT:+.2f} {unit_label('pp', lang)} "
                    f"{t('published_recovery', lang)}")
    c2.metric(t("kpi_alerts", lang), ichart.filter(pl.col("out_of_control").fill_null(False)).height)
    ui.chart(plant_charts.ichart(ichart, lang, GALLIUM_PUBLISHED_PCT, max_points=max_points), key="pl_ichart", simulated=SIMULATED, lang_code=lang,
             views=("v_gallium_ichart",), title=t("gallium_recovery", lang))


with ui.friendly_errors(lang):
    daily = data.plant_view(db, version, "v_weld_daily", "ORDER BY day")
    batches = data.plant_view(db, version, "v_gallium_batches")
    if daily.is_empty() and batches.is_empty():  # views missing (old warehouse) or no plant log loaded
        st.info(t("no_plant", lang))
        st.stop()
    SIMULATED = simulated(daily) or simulated(batches)
    if SIMULATED:
        st.warning(t("simulated_note", lang), icon=":material/warning:")
    if not daily.is_empty():
        st.subheader(t("weld_yield", lang))
        weld_section(daily)
    gallium_section()
    alerts = data.plant_view(db, version, "v_spc_alerts", "ORDER BY period_end DESC")
    st.subheader(t("plant_alerts", lang))
    if alerts.is_empty():
        st.caption(t("no_alerts", lang))
    else:
        st.dataframe(alerts_table(alerts, lang), hide_index=True, width="stretch")
