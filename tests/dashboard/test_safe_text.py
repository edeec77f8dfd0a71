"""No markup from data: the escapers, and every chart builder fed hostile names, quotes and titles."""

from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts, plant_charts
from dashboard.safe_text import markdown_text, plotly_lines, plotly_text

IMG = "<img src=x onerror=alert(1)>"
LINK = "<b>R</b><a href=https://evil.example/x>x</a>"
BOLD = "**bold**"
PAYLOADS = [IMG, LINK, BOLD, "<b>"]
# what must never reach a figure: a tag that came from data
RAW = ("<img", "<a ", "<a>", "<b>R", "</a>")


@pytest.mark.parametrize(("raw", "plotly"), [
    (IMG, "&lt;img src=x onerror=alert(1)&gt;"),
    (LINK, "&lt;b&gt;R&lt;/b&gt;&lt;a href=https://evil.example/x&gt;x&lt;/a&gt;"),
    (BOLD, "**bold**"),
    ("<b>", "&lt;b&gt;"),
    ("R&amp;D", "R&amp;amp;D"),  # an entity in data stays visible as written
])
def test_plotly_text_escapes_tags_and_entities(raw: str, plotly: str) -> None:
    assert plotly_text(raw) == plotly


@pytest.mark.parametrize(("raw", "markdown"), [
    (IMG, r"\<img src=x onerror=alert(1)\>"),
    ("[x](javascript:alert(1))", r"\[x\](javascript\:alert(1))"),
    ("- item", r"\- item"),
    ("1. first", r"1\. first"),
    ("中国创新指数(2015=100)", "中国创新指数(2015=100)"),
    (BOLD, r"\*\*bold\*\*"),
    ("<b>", r"\<b\>"),
    (":red[alarm] _x_ `c`", r"\:red\[alarm\] \_x\_ \`c\`"),
])
def test_markdown_text_escapes_markdown_html_and_directives(raw: str, markdown: str) -> None:
    assert markdown_text(raw) == markdown


def test_markdown_text_breaks_autolinks() -> None:
    """Found by the browser test: Streamlit turned the bare URL inside an escaped <a> into a link."""
    assert markdown_text("x https://evil.example/x y") == "x https\\:\u200b//evil.example/x y"
    assert markdown_text("www.evil.example") == "www\u200b.evil.example"
    assert markdown_text("a@evil.example") == "a@\u200bevil.example"


def test_wrapping_never_splits_an_entity() -> None:
    wrapped = plotly_lines("a" * 38 + "<b>x", width=40)
    assert wrapped == "a" * 38 + "&lt;b<br>&gt;x"


def json_strings(node: object) -> list[str]:
    """Every string in a decoded JSON value, depth first."""
    if isinstance(node, str):
        return [node]
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [text for value in values for text in json_strings(value)]


def strings(fig: go.Figure) -> list[str]:
    """Every string in the figure's JSON (titles, names, hover text, customdata, ticks, annotations)."""
    return json_strings(json.loads(fig.to_json()))


def assert_no_markup_from_data(fig: go.Figure) -> None:
    leaked = [s for s in strings(fig) for raw in RAW if raw in s]
    assert leaked == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_series_chart_escapes_name_document_quote_unit_and_title(payload: str) -> None:
    frame = pl.DataFrame({"series_id": ["s", "t"], "label": [payload, "ok"],
                          "period_start": [date(2024, 1, 1)] * 2, "period_end": [date(2024, 1, 31)] * 2,
                          "value": [1.0, 2.0], "unit": [payload, "万吨"], "document": [payload, payload],
                          "quote": [payload, payload]})
    fig = charts.series_chart(frame, title=payload)
    assert_no_markup_from_data(fig)
    assert fig.data[0].name == plotly_text(payload)
    assert fig.layout.title.text == plotly_text(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plant_charts_escape_robot_line_and_defect_names(payload: str) -> None:
    days = pl.DataFrame({"robot": [payload, "R2"], "day": [date(2025, 7, 1)] * 2,
                         "first_pass_yield_pct": [99.0, 98.0]})
    facets = plant_charts.small_multiples(days, title=f"yield · {payload}")
    assert_no_markup_from_data(facets)
    assert sorted(a.text for a in facets.layout.annotations) == sorted([plotly_text(payload), "R2"])
    assert all("%{fullData.name}" in t.hovertemplate for t in facets.data)  # the name is referenced, not pasted
    pareto = plant_charts.pareto(pl.DataFrame({"defect_code": [payload, "D2"], "welds": [3, 1]}), title=payload)
    assert_no_markup_from_data(pareto)
    pchart = plant_charts.pchart(pl.DataFrame({"day": [date(2025, 7, 1)], "yield_pct": [99.0]}), title=f"· {payload}")
    assert_no_markup_from_data(pchart)
    hist = plant_charts.histogram(pl.DataFrame({"v": [1.0, 2.0]}), "v", unit=payload, title=payload)
    assert_no_markup_from_data(hist)


def test_a_template_field_in_a_unit_is_not_read_as_one() -> None:
    hist = plant_charts.histogram(pl.DataFrame({"v": [1.0, 2.0]}), "v", unit="%{meta}")
    assert "%{meta}" not in hist.data[0].hovertemplate


def test_sql_quick_chart_shows_column_aliases_as_text() -> None:
    """A shared /sql?q= link can carry `SELECT 1 AS "<a href=…>"`: legend and axis must not link."""
    from dashboard.sql.page import quick_chart

    frame = pl.DataFrame({LINK: [1, 2], IMG: [3.0, 4.0]})
    fig = quick_chart(frame, LINK, [IMG])
    assert_no_markup_from_data(fig)
    assert fig.data[0].name == plotly_text(IMG)
