"""Pure chart builders for plant quality: control charts, per-robot panels, Pareto, histograms.

Same contract as dashboard/charts.py (frame in, Plotly figure out, no `st.*`, CJK font, bounded
points); split from it to keep each module small. Public API:
    pchart(frame, lang="zh", target_pct=99.9, title=None, max_points=2000, height=360) -> go.Figure
    ichart(frame, lang="zh", published_pct=84.6, title=None, max_points=2000, height=360) -> go.Figure
    small_multiples(frame, lang="zh", facet="robot", x="day", y="first_pass_yield_pct", target=None,
                    columns=4, title=None, max_points=2000) -> go.Figure
    pareto(frame, lang="zh", category="defect_code", count="welds", title=None, height=360) -> go.Figure
    histogram(frame, column, lang="zh", unit="", bins=40, title=None, height=320, fit=0.001) -> go.Figure
    percentile_lines(frame, lang="zh", x="day", columns=("vdrop_p50_mv", ...), unit="mV", ...) -> go.Figure
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts import (
    ALERT_COLOR,
    FONT_FAMILY,
    LIMIT_COLOR,
    PALETTE,
    TARGET_COLOR,
    base_layout,
    layout_dict,
    zh_date_axis,
    zh_date_ticks,
)
from dashboard.downsample import DEFAULT_MAX_POINTS, downsample_frame
from dashboard.i18n import t
from dashboard.safe_text import plotly_template_text, plotly_text


def _hline(fig: go.Figure, y: float | None, text: str, color: str, dash: str = "dash", **kw: object) -> None:
    if y is None or (isinstance(y, float) and math.isnan(y)):
        return
    fig.add_hline(y=y, line={"color": color, "dash": dash, "width": 1.5},
                  annotation_text=plotly_text(text), annotation_position="top left",
                  annotation_font={"family": FONT_FAMILY, "size": 11, "color": color}, **kw)


def _hline_parts(y: float | None, text: str, color: str, dash: str = "dash") -> tuple[list[dict], list[dict]]:
    """(shapes, annotations) of `_hline`, as dicts for a figure built in one go."""
    if y is None or (isinstance(y, float) and math.isnan(y)):
        return [], []
    shape = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
             "line": {"color": color, "dash": dash, "width": 1.5}}
    note = {"text": plotly_text(text), "xref": "x domain", "x": 0, "xanchor": "left", "yref": "y", "y": y,
            "yanchor": "bottom", "showarrow": False, "font": {"family": FONT_FAMILY, "size": 11, "color": color}}
    return [shape], [note]


def _steps(frame: pl.DataFrame, x: str, col: str) -> pl.DataFrame:
    """The rows of a step line ("hv") where its value changes, and the last: the same line drawn
    from a fraction of the points (fixed control limits over a year of batches: 2 points, not 1,400)."""
    value = pl.col(col)
    changed = (value != value.shift(1)).fill_null(True)
    last = pl.int_range(pl.len()) == pl.len() - 1
    return frame.select(x, col).filter(changed | last)


def _control_chart(frame: pl.DataFrame, x: str, y: str, lang: str, reference: float | None,
                   reference_text: str, title: str | None, max_points: int, height: int,
                   value_name: str) -> go.Figure:
    if frame.is_empty():
        return base_layout(go.Figure(), title, height)
    frame = frame.sort(x)
    shown = downsample_frame(frame, x, y, max_points)
    xs = shown.get_column(x).to_list()
    # traces and layout as dicts, validated once by go.Figure (each add_trace/update re-validates)
    traces = []
    for col, name, dash in (("ucl_pct", "UCL", "dot"), ("lcl_pct", "LCL", "dot"), ("center_pct", t("center", lang), "solid")):
        if col in shown.columns:
            steps = _steps(shown, x, col)
            traces.append({"type": "scatter", "x": steps.get_column(x).to_list(), "y": steps.get_column(col).to_numpy(),
                           "name": name, "mode": "lines", "line": {"color": LIMIT_COLOR, "dash": dash, "width": 1,
                                                                   "shape": "hv"},
                           "hoverinfo": "skip", "connectgaps": False})
    traces.append({"type": "scatter", "x": xs, "y": shown.get_column(y).to_numpy(), "name": value_name,
                   "mode": "lines+markers", "line": {"color": PALETTE[0], "width": 1.5}, "marker": {"size": 4},
                   "connectgaps": False, "hovertemplate": "%{x}<br>%{y:.2f}%<extra></extra>"})
    if "out_of_control" in frame.columns:
        bad = frame.filter(pl.col("out_of_control").fill_null(False)).head(max_points)
        if bad.height:
            traces.append({"type": "scatter", "x": bad.get_column(x).to_list(), "y": bad.get_column(y).to_numpy(),
                           "name": t("out_of_control", lang), "mode": "markers",
                           "marker": {"color": ALERT_COLOR, "size": 9, "symbol": "x"},
                           "hovertemplate": "%{x}<br>%{y:.2f}%<extra></extra>"})
    shapes, notes = _hline_parts(reference, reference_text, TARGET_COLOR)
    layout = layout_dict(title, height, yaxis={"title": {"text": "%"}}, hovermode="closest",
                         xaxis=zh_date_axis(lang), shapes=shapes, annotations=notes)
    return go.Figure(data=traces, layout=layout)


def pchart(frame: pl.DataFrame, lang: str = "zh", target_pct: float | None = 99.9, title: str | None = None,
           max_points: int = DEFAULT_MAX_POINTS, height: int = 360) -> go.Figure:
    """Weld first-pass yield p-chart for one subject. frame: day, yield_pct, center_pct, lcl_pct, ucl_pct,
    out_of_control (v_weld_yield_chart rows for one line or robot). Target drawn as a dashed line."""
    text = f"{t('target', lang)} {target_pct}%" if target_pct is not None else ""
    return _control_chart(frame, "day", "yield_pct", lang, target_pct, text, title, max_points, height,
                          t("weld_yield", lang))


def ichart(frame: pl.DataFrame, lang: str = "zh", published_pct: float | None = 84.6, title: str | None = None,
           max_points: int = DEFAULT_MAX_POINTS, height: int = 360) -> go.Figure:
    """Gallium recovery individuals chart. frame: started_at, recovery_pct, center_pct, lcl_pct, ucl_pct,
    out_of_control (v_gallium_ichart rows). The published recovery is drawn as a dashed line."""
    text = f"{t('published_recovery', lang)} {published_pct}%" if published_pct is not None else ""
    return _control_chart(frame, "started_at", "recovery_pct", lang, published_pct, text, title, max_points,
                          height, t("gallium_recovery", lang))


def small_multiples(frame: pl.DataFrame, lang: str = "zh", facet: str = "robot", x: str = "day",
                    y: str = "first_pass_yield_pct", target: float | None = None, columns: int = 4,
                    title: str | None = None, max_points: int = DEFAULT_MAX_POINTS) -> go.Figure:
    """One small panel per `facet` value (e.g. per robot), shared y-axis."""
    if frame.is_empty():
        return base_layout(go.Figure(), title, 200)
    names = sorted(str(v) for v in frame.get_column(facet).unique().drop_nulls().to_list())
    rows = max(1, math.ceil(len(names) / columns))
    fig = make_subplots(rows=rows, cols=min(columns, len(names)), shared_yaxes=True,
                        subplot_titles=[plotly_text(n) for n in names],
                        vertical_spacing=min(0.12, 0.5 / rows), horizontal_spacing=0.03)
    for i, name in enumerate(names):
        part = downsample_frame(frame.filter(pl.col(facet).cast(pl.Utf8) == name), x, y, max_points)
        # the name goes in escaped and is referenced, never pasted into the template (a "%{" in it
        # would be read as a template field)
        fig.add_trace(go.Scatter(x=part.get_column(x).to_list(), y=part.get_column(y).to_numpy(),
                                 name=plotly_text(name), mode="lines", line={"color": PALETTE[0], "width": 1.2},
                                 connectgaps=False,
                                 hovertemplate="%{fullData.name}<br>%{x}<br>%{y:.2f}%<extra></extra>"),
                      row=i // columns + 1, col=i % columns + 1)
        if target is not None:
            fig.add_hline(y=target, line={"color": TARGET_COLOR, "dash": "dash", "width": 1},
                          row=i // columns + 1, col=i % columns + 1)
    for annotation in fig.layout.annotations:
        annotation.font = {"family": FONT_FAMILY, "size": 12}
    fig = base_layout(fig, title, 170 * rows + 60)
    fig.update_layout(showlegend=False)
    # every value and the target inside the shared axis (no panel cuts a bad day off), dates under each panel
    fig.update_yaxes(range=_padded_range(frame.get_column(y), target))
    fig.update_xaxes(showticklabels=True, nticks=3, tickfont={"size": 10})
    return zh_date_ticks(fig, lang)


def _padded_range(values: pl.Series, *also: float | None) -> list[float] | None:
    shown = [float(v) for v in values.drop_nulls().to_list()] + [float(a) for a in also if a is not None]
    if not shown:
        return None
    low, high = min(shown), max(shown)
    pad = max((high - low) * 0.08, 0.05)
    return [low - pad, high + pad]


def pareto(frame: pl.DataFrame, lang: str = "zh", category: str = "defect_code", count: str = "welds",
           title: str | None = None, height: int = 360) -> go.Figure:
    """Bars sorted by count with the cumulative share on a second axis. frame: category, count."""
    fig = go.Figure()
    if frame.is_empty():
        return base_layout(fig, title, height)
    totals = frame.group_by(category).agg(pl.col(count).sum()).sort(count, descending=True)
    cats = [plotly_text(c) for c in totals.get_column(category).to_list()]  # tick labels render HTML too
    counts = totals.get_column(count).to_numpy().astype(float)
    cumulative = np.cumsum(counts) / counts.sum() * 100 if counts.sum() else np.zeros_like(counts)
    fig.add_trace(go.Bar(x=cats, y=counts, name=t("count", lang), marker={"color": PALETTE[0]},
                         hovertemplate="%{x}: %{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=cats, y=cumulative, name=t("cumulative_pct", lang), yaxis="y2",
                             mode="lines+markers", line={"color": PALETTE[1]},
                             hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    fig = base_layout(fig, title, height)
    fig.update_layout(yaxis={"title": {"text": t("count", lang)}},
                      yaxis2={"overlaying": "y", "side": "right", "range": [0, 105], "ticksuffix": "%",
                              "showgrid": False},
                      xaxis={"type": "category"})
    return fig


def histogram(frame: pl.DataFrame, column: str, lang: str = "zh", unit: str = "", bins: int = 40,
              title: str | None = None, height: int = 320, fit: float = 0.001) -> go.Figure:
    """Distribution of `column`, binned server-side (bars), so the browser never gets raw rows.
    With 200+ values the axis covers the central 1 - 2·fit of them; a note counts the values beyond."""
    fig = go.Figure()
    values = frame.get_column(column).drop_nulls().cast(pl.Float64).to_numpy() if column in frame.columns else []
    beyond = ""
    if len(values) >= 200 and fit:
        # a few extreme welds (43 mV among 8–17 mV) would squeeze the distribution into two bars:
        # the axis spans the central 1 - 2·fit of the values, and a note counts the rest
        low, high = np.quantile(values, [fit, 1 - fit])
        pad = (high - low) * 0.05
        inside = (values >= low - pad) & (values <= high + pad)
        if (~inside).any():
            beyond = t("beyond_axis", lang, n=int((~inside).sum()), low=f"{values.min():.1f} {unit}".strip(),
                       high=f"{values.max():.1f} {unit}".strip())
            values = values[inside]
    if len(values):
        counts, edges = np.histogram(values, bins=bins)
        centers = (edges[:-1] + edges[1:]) / 2
        fig.add_trace(go.Bar(x=centers, y=counts, width=np.diff(edges), marker={"color": PALETTE[0]},
                             name=t("count", lang),
                             hovertemplate=f"%{{x:.1f}} {plotly_template_text(unit)}: %{{y:,}}<extra></extra>"))
    fig = base_layout(fig, title, height)
    fig.update_layout(xaxis={"title": {"text": plotly_text(unit)}}, yaxis={"title": {"text": t("count", lang)}},
                      bargap=0.02, showlegend=False)
    if beyond:
        fig.add_annotation(text=beyond, xref="paper", yref="paper", x=0, y=1, xanchor="left", yanchor="top",
                           showarrow=False, font={"family": FONT_FAMILY, "size": 11, "color": LIMIT_COLOR})
    return fig


def percentile_lines(frame: pl.DataFrame, lang: str = "zh", x: str = "day",
                     columns: Sequence[str] = ("vdrop_p50_mv", "vdrop_p95_mv", "vdrop_p99_mv"),
                     unit: str = "mV", title: str | None = None, max_points: int = DEFAULT_MAX_POINTS,
                     height: int = 320) -> go.Figure:
    """Percentile lines over time (e.g. daily voltage-drop p50/p95/p99)."""
    fig = go.Figure()
    for i, col in enumerate(c for c in columns if c in frame.columns):
        part = downsample_frame(frame.select(x, col), x, col, max_points)
        label = col.rsplit("_", 2)[-2] if col.count("_") >= 2 else col
        fig.add_trace(go.Scatter(x=part.get_column(x).to_list(), y=part.get_column(col).to_numpy(),
                                 name=label.upper(), mode="lines", connectgaps=False,
                                 line={"color": PALETTE[i % len(PALETTE)], "width": 1.5},
                                 hovertemplate=f"{plotly_template_text(label.upper())} %{{x}}: %{{y:.1f}} "
                                               f"{plotly_template_text(unit)}<extra></extra>"))
    fig = base_layout(fig, title, height)
    fig.update_layout(yaxis={"title": {"text": plotly_text(unit)}}, hovermode="x unified")
    return zh_date_ticks(fig, lang)
