"""趋势 Explore: several series, transformations, period range; the whole view lives in the URL."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, transforms, ui
from dashboard.explore_state import (
    SPAN_CHOICES,
    ExploreState,
    company_metric,
    derived_notes,
    from_query,
    open_range,
    period_labels,
    snap,
    to_query,
)
from dashboard.exports import frame_csv
from dashboard.i18n import format_number, format_period, pick, series_name, t, unit_label
from dashboard.names import subject_name
from dashboard.safe_text import markdown_text

lang = ui.lang()
st.title(t("explore_title", lang))
db, version = ui.warehouse(lang)
catalog = data.series_list(db, version)
if catalog.is_empty():
    st.info(t("empty_warehouse", lang))
    st.stop()

names = {r["series_id"]: series_name(r["name_zh"], r["name_en"], lang) for r in catalog.iter_rows(named=True)}
# A split year-to-date series is named after its single-period twin, marked as split.
split_names = {r["series_id"]: t("split_label", lang, name=series_name(r["family_zh"], r["family_en"], lang))
               for r in catalog.iter_rows(named=True) if r["cumulative"] and r["family_zh"]}
both_names = {r["series_id"]: f"{r['name_zh']} · {r['name_en']}" for r in catalog.iter_rows(named=True)}

# Seed the widgets from the URL whenever the URL differs from what this page last wrote.
url = dict(st.query_params)
if st.session_state.get("ex_url") != url:
    state = from_query(url, names)
    st.session_state.update(ex_series=list(state.series), ex_transform=state.transform, ex_span=state.span,
                            ex_start=state.start, ex_end=state.end, ex_base=state.base, ex_missing=state.missing)
elif st.session_state.get("ex_lang") != lang:
    # The language changed mid-session: writing the chosen series back before the widget is drawn
    # makes the browser redraw its tags in the new language (it keeps the old labels otherwise).
    for key in ("ex_series", "ex_transform", "ex_span"):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
st.session_state["ex_lang"] = lang
if st.session_state.get("ex_missing"):
    st.warning(t("missing_series", lang, ids=", ".join(st.session_state["ex_missing"])))


def apply_companies() -> None:
    metric, subjects = st.session_state.get("ex_metric"), st.session_state.get("ex_companies") or []
    chosen = [r["series_id"] for r in companies.iter_rows(named=True)
              if r["metric"] == metric and r["subject"] in subjects]
    st.session_state["ex_series"] = chosen


query = st.text_input(t("search", lang), key="ex_search", placeholder=t("search_hint", lang))
selected = st.session_state.get("ex_series", [])
options = [sid for sid in names if sid in selected or not query
           or query.lower() in both_names[sid].lower() or query.lower() in sid.lower()]
st.multiselect(t("choose_series", lang), options, key="ex_series", select_all=False,
               format_func=lambda sid: names[sid], placeholder=t("choose_hint", lang))

companies = catalog.filter(pl.col("category") == "company").with_columns(
    metric=pl.struct("name_zh", "subject").map_elements(lambda r: company_metric(r["name_zh"], r["subject"]),
                                                         return_dtype=pl.Utf8))
if not companies.is_empty():
    with st.expander(t("compare_companies", lang)):
        c1, c2 = st.columns([1, 2])
        # English names from the catalog: the company's own ([subjects]), the metric what follows it
        # in the series' name ("Yunnan Aluminium, revenue").
        metric_en = {}
        for r in companies.iter_rows(named=True):
            _, _, metric_name = (r["name_en"] or "").partition(", ")
            metric_en.setdefault(r["metric"], metric_name or r["metric"])
        c1.selectbox(t("col_series", lang), sorted(set(companies.get_column("metric").to_list())), key="ex_metric",
                     format_func=lambda m: pick((m, metric_en.get(m, m)), lang))
        c2.multiselect(t("companies", lang),
                       sorted(set(companies.get_column("subject").to_list())), key="ex_companies",
                       format_func=lambda c: subject_name(c, lang, data.settings().catalog),
                       placeholder=t("choose_hint", lang), select_all=False)
        st.button(t("compare", lang), on_click=apply_companies, key="ex_compare")

left, middle, right = st.columns([2, 1, 1])
left.radio(t("transform", lang), transforms.TRANSFORMS, key="ex_transform", horizontal=True,
           format_func=lambda k: t(f"t_{k}", lang))
middle.selectbox(t("granularity", lang), SPAN_CHOICES, key="ex_span",
                 format_func=lambda k: t(f"span_{k}", lang))

series = tuple(st.session_state.get("ex_series") or ())
if not series:
    st.info(t("pick_series_hint", lang))
    st.query_params.from_dict(to_query(ExploreState(), lang))
    st.session_state["ex_url"] = dict(st.query_params)
    st.stop()


def _basis(transform: str) -> pl.Expr:
    """YoY values say whether they are published (公布) or computed (计算); others whether derived."""
    if transform == "yoy":
        return (pl.when(pl.col("derived").fill_null(False)).then(pl.lit(t("yoy_computed", lang)))
                .otherwise(pl.lit(t("yoy_published", lang))).alias(t("yoy", lang)))
    return pl.col("derived").fill_null(False).alias(t("derived", lang))


def _first_of(frame: pl.DataFrame, *names: str) -> pl.Expr:
    """The first of these columns the frame has, coalesced (a transform may have dropped some)."""
    present = [pl.col(n) for n in names if n in frame.columns]
    return pl.coalesce(*present) if present else pl.lit(None, dtype=pl.Utf8)

with ui.friendly_errors(lang):
    raw = data.observations(db, version, series)
    frame = raw.with_columns(label=pl.col("series_id").replace_strict(names, default=pl.col("series_id")))
    transform = st.session_state["ex_transform"]
    untouched: list[str] = []
    if transform == "single":  # split year-to-date figures first, then pick the period shape
        frame, untouched = transforms.single_period(frame)
        frame = frame.with_columns(label=pl.col("series_id").replace_strict(split_names, default=pl.col("label")))
    # Split figures are single periods; unsplit cumulative series keep every to-date length (one line each).
    pick_span = transforms.select_span if transform == "single" else transforms.select_span_for_view
    frame = pick_span(frame, st.session_state["ex_span"])
    periods = sorted(set(frame.get_column("period_end").to_list())) if not frame.is_empty() else []
    labels = period_labels(frame, lang)
    base = None
    if transform == "index" and periods:
        st.session_state["ex_base"] = snap(st.session_state.get("ex_base"), periods)
        right.selectbox(t("base_period", lang), periods, key="ex_base",
                        format_func=lambda d: labels.get(d, "—"))
        base = st.session_state["ex_base"]
    shaped = frame if transform == "single" else transforms.apply_transform(frame, transform, base)[0]
    if len(periods) > 1:
        # None = open end: the default is the whole span, and it stays whole across transforms.
        start = snap(st.session_state.get("ex_start"), periods)
        end = snap(st.session_state.get("ex_end"), periods, last=True)
        picked = st.select_slider(t("period_range", lang), options=periods, value=(start, end),
                                  format_func=lambda d: labels.get(d, "—"))
        st.session_state["ex_start"], st.session_state["ex_end"] = open_range(picked, periods)
        shaped = transforms.in_range(shaped, *picked)

    state = ExploreState(series=series, transform=transform, span=st.session_state["ex_span"],
                         start=st.session_state.get("ex_start"), end=st.session_state.get("ex_end"), base=base)
    st.query_params.from_dict(to_query(state, lang))
    st.session_state["ex_url"] = dict(st.query_params)

    if shaped.is_empty():
        st.info(t("no_data_in_range", lang))
        st.stop()
    if shaped.get_column("value").drop_nulls().len() == 1:
        st.info(t("one_point", lang))
    if untouched and st.session_state["ex_transform"] == "single":
        st.caption(t("single_not_flow", lang, names=", ".join(markdown_text(n) for n in untouched)))
    if st.session_state["ex_transform"] == "share":
        st.caption(t("share_note", lang))

    drawn = shaped if transform == "single" else transforms.with_cumulation(shaped)
    simulated = "simulated" in raw.columns and bool(raw.get_column("simulated").fill_null(False).any())
    if simulated:
        st.warning(t("simulated_series", lang), icon=":material/warning:")
    ui.chart(charts.series_chart(drawn, lang=lang, max_points=data.settings().max_points), key="ex_chart",
             simulated=simulated, lang_code=lang, series=tuple(drawn.get_column("series_id").unique(maintain_order=True)))
    for note in derived_notes(shaped, transform):
        st.caption(t(note, lang))

    table = shaped.sort("series_id", "period_end").select(
        pl.col("label").alias(t("col_series", lang)),
        pl.struct("period_start", "period_end").map_elements(
            lambda r: format_period(r["period_start"], r["period_end"], lang), return_dtype=pl.Utf8
        ).alias(t("col_period", lang)),
        pl.col("value").alias(t("col_value", lang)),
        pl.col("unit").map_elements(lambda u: unit_label(u, lang), return_dtype=pl.Utf8).alias(t("col_unit", lang)),
        _basis(st.session_state["ex_transform"]),
        # provenance a person can follow: who published it, when, and where to read it
        _first_of(shaped, "publisher", "document").alias(t("col_publisher", lang)),
        _first_of(shaped, "published", "loaded_on").alias(t("col_published", lang)),
        _first_of(shaped, "source_link").alias(t("col_link", lang)),
        pl.col("quote").alias(t("col_quote", lang)),
    )
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={t("col_value", lang): st.column_config.NumberColumn(format="%.2f"),
                                t("col_link", lang): st.column_config.LinkColumn()})
    latest = shaped.drop_nulls("value").sort("period_end").tail(1).row(0, named=True)
    st.caption(f"{markdown_text(latest['label'])}: {markdown_text(format_number(latest['value'], latest['unit'], lang))} "
               f"({format_period(latest['period_start'], latest['period_end'], lang)}) · {t('copy_link', lang)}")
    st.download_button(t("download_csv", lang), frame_csv(table),
                       file_name="pulse-explore.csv", mime="text/csv", key="ex_csv")
