"""Logic behind the SQL page that is not layout: URL state, chart choices, the quick chart.

Pure functions (no `st.*`) so they are testable without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from dashboard.safe_text import plotly_text
from dashboard.sql.sandbox import SqlResult

URL_QUERY = "q"
URL_PARAM_PREFIX = "p_"
CHART_KINDS = {"折线 line": "line", "柱状 bar": "bar", "散点 scatter": "scatter"}


def url_state(sql: str, params: Mapping[str, str]) -> dict[str, str]:
    """What goes in the URL so a link reruns the query: the SQL and each :param value."""
    state = {URL_QUERY: sql}
    state.update({URL_PARAM_PREFIX + k: str(v) for k, v in params.items()})
    return state


def from_url(query_params: Mapping[str, str]) -> tuple[str | None, dict[str, str]]:
    params = {k[len(URL_PARAM_PREFIX):]: v for k, v in query_params.items() if k.startswith(URL_PARAM_PREFIX)}
    return query_params.get(URL_QUERY), params


def chart_columns(result: SqlResult) -> tuple[list[str], list[str]]:
    """(x candidates: every column, temporal first; y candidates: numeric columns)."""
    frame = result.to_polars()
    temporal = [c for c, t in frame.schema.items() if t.is_temporal()]
    numeric = [c for c, t in frame.schema.items() if t.is_numeric()]
    others = [c for c in frame.columns if c not in temporal]
    return temporal + others, numeric


def quick_chart(frame: pl.DataFrame, x: str, ys: list[str], kind: str = "line") -> go.Figure:
    """A Plotly figure of ys against x (one trace per y), sorted by x for lines."""
    data = frame.select([x, *[y for y in ys if y != x]])
    if kind == "line":
        data = data.sort(x, nulls_last=True)
    long = data.unpivot(index=x, variable_name="series", value_name="value")
    # column names are the query's aliases, and a link can carry the query: legend and axis as text
    long = long.with_columns(pl.col("series").map_elements(plotly_text, return_dtype=pl.Utf8))
    draw = {"line": px.line, "bar": px.bar, "scatter": px.scatter}[kind]
    fig = draw(long, x=x, y="value", color="series", labels={x: plotly_text(x)})
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="")
    return fig
