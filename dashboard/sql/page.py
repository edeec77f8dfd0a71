"""Logic behind the SQL page that is not layout: URL state, chart choices, the quick chart.

Pure functions (no `st.*`) so they are testable without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from dashboard.safe_text import plotly_text
from dashboard.sql.sandbox import SqlResult
from dashboard.sql.text_output import unique_names

URL_QUERY = "q"
URL_SAVED = "saved"
URL_PARAM_PREFIX = "p_"
CHART_KINDS = ("line", "bar", "scatter")  # labels: i18n sql_chart_<kind>


def url_state(sql: str, params: Mapping[str, str], saved: str = "") -> dict[str, str]:
    """What goes in the URL so a link reruns the query: the SQL, each :param value and, for an
    opened saved query, its name (so the link brings back its labels and description)."""
    state = {URL_QUERY: sql}
    if saved:
        state[URL_SAVED] = saved
    state.update({URL_PARAM_PREFIX + k: str(v) for k, v in params.items()})
    return state


def from_url(query_params: Mapping[str, str]) -> tuple[str | None, dict[str, str], str]:
    params = {k[len(URL_PARAM_PREFIX):]: v for k, v in query_params.items() if k.startswith(URL_PARAM_PREFIX)}
    return query_params.get(URL_QUERY), params, query_params.get(URL_SAVED, "")


def date_columns(result: SqlResult) -> list[str]:
    """Result columns whose DuckDB type is DATE: shown as dates, not as midnight timestamps."""
    return [name for name, kind in zip(unique_names(result.columns), result.types, strict=True) if kind == "DATE"]


def completions(schema: Sequence[Any], lang_words: Mapping[str, str]) -> list[dict[str, Any]]:
    """The editor's completion list: every view and table, then every column name (once, with the
    relations that have it as its note), from the warehouse's own schema."""
    items = [{"caption": rel.name, "value": rel.name, "meta": lang_words["view" if rel.is_view else "table"],
              "score": 1000} for rel in schema]
    owners: dict[str, list[str]] = {}
    for rel in schema:
        for col in rel.columns:
            owners.setdefault(col.name, []).append(rel.name)
    for name, rels in sorted(owners.items()):
        note = rels[0] if len(rels) == 1 else f"{rels[0]} +{len(rels) - 1}"
        items.append({"caption": name, "value": name, "meta": note, "score": 900})
    return items


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
    # the long frame's own columns must not clash with the query's (a column named "value" did)
    series, value = "\x00series", "\x00value"
    long = data.unpivot(index=x, variable_name=series, value_name=value)
    # column names are the query's aliases, and a link can carry the query: legend and axis as text
    long = long.with_columns(pl.col(series).map_elements(plotly_text, return_dtype=pl.Utf8))
    draw = {"line": px.line, "bar": px.bar, "scatter": px.scatter}[kind]
    fig = draw(long, x=x, y=value, color=series, labels={x: plotly_text(x), value: "", series: ""})
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="")
    return fig
