"""Pure chart builders shared by the Streamlit pages and the PNG briefings.

Frame in, Plotly figure out: no `st.*`, no SQL, no I/O. Every builder
  - takes polars frames (column contracts in each docstring) and `lang` ("zh" default, or "en"),
  - sets an explicit CJK-capable font family (FONT_FAMILY) so Chinese renders in PNG exports too,
  - bounds every trace to `max_points` points (MinMaxLTTB, extremes kept; see dashboard.downsample),
  - shows gaps as gaps (`connectgaps=False`, None at missing periods).

Public API (stable; the briefing exporter relies on it):
    series_chart(frame, lang="zh", title=None, max_points=2000, height=420) -> go.Figure  (periods centred, zh date ticks)
    zh_date_ticks(fig, lang), align_periods(fig, frame)   # applied by the builders; public for other figures
    zh_date_axis(lang) -> dict           # zh_date_ticks' x-axis settings, for a layout built as a dict
    sparkline(frame, color=None, max_points=2000, height=64) -> go.Figure
    base_layout(fig, title, height, **extra)   # font, template, margins: every builder's last step
    layout_dict(title, height, **extra), merged(base, extra)   # the same as a dict, for one-shot figures
    (the plant builders — pchart, ichart, small_multiples, pareto, histogram, percentile_lines — are
    in dashboard/plant_charts.py)
    figure_bytes(fig) -> int            # size of the figure's JSON as sent to the browser
    FONT_FAMILY, PALETTE
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard.downsample import DEFAULT_MAX_POINTS, downsample_frame
from dashboard.i18n import cumulation_label, format_number, format_period, source_text, t, unit_label
from dashboard.safe_text import plotly_lines, plotly_text
from dashboard.transforms import dominant_span, insert_gaps

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
PALETTE = ("#1f5fa8", "#d9541e", "#2a9d5c", "#8e44ad", "#c0392b", "#16a2b8", "#b8860b", "#5d6d7e")
ALERT_COLOR = "#d62728"
LIMIT_COLOR = "#7f8c8d"
TARGET_COLOR = "#2a9d5c"


_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "zerolinewidth": 2,
         "automargin": True, "ticks": "", "title": {"standoff": 15}}
# What plotly_white sets that these charts use, in 0.3 KB instead of its 7 KB (sent with every figure;
# the page's theme draws the rest, and PNG exports look the same).
LIGHT = go.layout.Template(layout={"paper_bgcolor": "white", "plot_bgcolor": "white", "hovermode": "closest",
                                   "font": {"color": "#2a3f5f"}, "xaxis": _AXIS, "yaxis": _AXIS})


def layout_dict(title: str | None, height: int, **extra: object) -> dict:
    """base_layout's settings as a plain dict, `extra` merged over them: a builder composes its whole
    layout first and sets it once (every `update_layout` re-validates the figure: 19 % of a page)."""
    layout = {
        "title": {"text": plotly_text(title), "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#1b2631"},
        "height": height,
        "margin": {"l": 56, "r": 24, "t": 48 if title else 16, "b": 40},
        "template": LIGHT,
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    }
    return merged(layout, extra)


def merged(base: dict, extra: dict) -> dict:
    """`extra` over `base`, nested dicts merged key by key (as successive update_layout calls would)."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def base_layout(fig: go.Figure, title: str | None, height: int, **extra: object) -> go.Figure:
    fig.update_layout(**layout_dict(title, height, **extra))
    return fig


def _col(frame: pl.DataFrame, name: str) -> list:
    return frame.get_column(name).to_list() if name in frame.columns else [None] * frame.height


def _hover_rows(part: pl.DataFrame, lang: str) -> list[list[str]]:
    rows = []
    starts, ends = _col(part, "period_start"), _col(part, "period_end")
    values, units = _col(part, "value"), _col(part, "unit")
    quotes, derived = _col(part, "quote"), _col(part, "derived")
    # provenance a person can follow: publisher, date and link (file names only when nothing else is known)
    publishers, docs = _col(part, "publisher"), _col(part, "document")
    published, loaded, links = _col(part, "published"), _col(part, "loaded_on"), _col(part, "source_link")
    for i, (start, end, value, unit, quote, der) in enumerate(zip(starts, ends, values, units, quotes, derived,
                                                                   strict=True)):
        period = format_period(start, end, lang)
        if der:
            period += f" ({t('derived', lang)})"
        who = publishers[i] or docs[i]
        source = source_text(who, published[i], loaded[i], None, lang) if who or published[i] else ""
        rows.append([plotly_text(format_number(value, unit, lang)), plotly_text(period), plotly_text(source),
                     plotly_lines(quote), plotly_lines(links[i], 60, 120)])
    return rows


def series_chart(frame: pl.DataFrame, lang: str = "zh", title: str | None = None,
                 max_points: int = DEFAULT_MAX_POINTS, height: int = 420) -> go.Figure:
    """Several series on one time axis; a second y-axis when units differ.

    frame: series_id, label, period_start, period_end (Date), value (display unit), unit;
    optional document, quote, derived. Missing months/quarters/years break the line.
    Traces and layout are composed as plain dicts and validated once, in one go.Figure call.
    """
    if frame.is_empty():
        return base_layout(go.Figure(), title, height)
    if _is_cross_section(frame):
        return cross_section_bars(frame, lang, title, height)
    units = list(dict.fromkeys(u for u in frame.get_column("unit").to_list() if u is not None)) or [""]
    colors = series_colors(frame.get_column("series_id").unique().to_list())
    trace_period, axis_period = _period_axis(frame)
    traces = []
    for sid, label, dash, part in _trace_parts(frame, lang):
        part = downsample_frame(part, "period_end", "value", max_points)
        unit = part.get_column("unit").drop_nulls()[0] if part.get_column("unit").drop_nulls().len() else ""
        secondary = len(units) > 1 and unit != units[0]
        points = part.get_column("value").drop_nulls().len()
        traces.append({
            "type": "scatter",
            "x": part.get_column("period_end").to_list(),
            "y": part.get_column("value").to_numpy(),
            "name": plotly_text(label),
            "mode": "lines+markers" if points <= 60 else "lines",
            "line": {"color": colors[sid], "width": 2, "dash": dash},
            "marker": {"size": 6 if points > 1 else 10},
            "connectgaps": False,
            "yaxis": "y2" if secondary else "y",
            "customdata": _hover_rows(part, lang),
            "hovertemplate": "<b>%{fullData.name}</b><br>%{customdata[0]}<br>%{customdata[1]}"
                             "<br>%{customdata[2]}<br>%{customdata[4]}<br><i>%{customdata[3]}</i><extra></extra>",
            **trace_period,
        })
    xaxis: dict = {"type": "date"}
    for part in (axis_period, zh_date_axis(lang), _frequency_axis(frame, lang)):
        xaxis = merged(xaxis, part)
    extra: dict[str, object] = {
        "yaxis": {"title": {"text": plotly_text(unit_label(units[0], lang))}, "rangemode": "normal"},
        "hovermode": "closest",
        "xaxis": xaxis,
    }
    if len(units) > 1:
        extra["yaxis2"] = {"title": {"text": plotly_text(" / ".join(unit_label(u, lang) for u in units[1:]))},
                           "overlaying": "y", "side": "right", "showgrid": False}
        extra["margin"] = {"l": 56, "r": 64, "t": 48 if title else 16, "b": 40}
    return go.Figure(data=traces, layout=layout_dict(title, height, **extra))


def series_colors(series_ids: Sequence[str]) -> dict[str, str]:
    """A colour per series id that does not change with the transform or the order of the rows:
    each id takes the palette slot its name hashes to (the next free one on a clash, in id order)."""
    colors: dict[str, str] = {}
    for sid in sorted(series_ids):
        slot = int.from_bytes(hashlib.blake2s(sid.encode(), digest_size=4).digest(), "big") % len(PALETTE)
        used = set(colors.values())
        for step in range(len(PALETTE)):
            candidate = PALETTE[(slot + step) % len(PALETTE)]
            if candidate not in used or len(used) >= len(PALETTE):
                break
        colors[sid] = candidate
    return colors


_CUMULATION_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def _trace_parts(frame: pl.DataFrame, lang: str):
    """(series_id, legend label, line dash, rows) per trace: one per series, and one per
    cumulation length when the frame carries a `cumulation` column (see transforms.with_cumulation)."""
    keyed = "cumulation" in frame.columns and frame.get_column("cumulation").is_not_null().any()
    for (sid,), part in frame.group_by("series_id", maintain_order=True):
        label = str(part.get_column("label")[0])
        if not keyed or part.get_column("cumulation").is_null().all():
            yield sid, label, "solid", insert_gaps(part)
            continue
        lengths = sorted(part.get_column("cumulation").drop_nulls().unique().to_list())
        for i, months in enumerate(lengths):
            rows = part.filter(pl.col("cumulation") == months).sort("period_end")
            yield (sid, f"{label} · {cumulation_label(months, lang)}",
                   _CUMULATION_DASHES[i % len(_CUMULATION_DASHES)], _yearly_gaps(rows))


def _yearly_gaps(rows: pl.DataFrame) -> pl.DataFrame:
    """A null row in every missing year of one cumulation line, so the line breaks there."""
    years = set(rows.get_column("period_end").dt.year().to_list())
    missing = [y for y in range(min(years), max(years)) if y not in years]
    if not missing:
        return rows
    last = rows.row(rows.height - 1, named=True)
    filler = pl.DataFrame({
        "period_start": [last["period_start"].replace(year=y) for y in missing],
        "period_end": [last["period_end"].replace(year=y, day=1) for y in missing],
    }).with_columns(pl.col("period_end").dt.month_end(), series_id=pl.lit(last["series_id"]),
                    label=pl.lit(last["label"]), unit=pl.lit(last["unit"]))
    return pl.concat([rows, filler], how="diagonal_relaxed").sort("period_end")


def _is_cross_section(frame: pl.DataFrame) -> bool:
    """Several series with one shared period (four companies' 2025 H1 revenue): a comparison, not a trend."""
    shown = frame.filter(pl.col("value").is_not_null())
    return (shown.get_column("series_id").n_unique() > 1
            and shown.select("period_start", "period_end").unique().height == 1)


def cross_section_bars(frame: pl.DataFrame, lang: str = "zh", title: str | None = None,
                       height: int = 420) -> go.Figure:
    """One bar per series for a single shared period; the period names the x axis.
    frame: series_id, label, period_start, period_end, value, unit."""
    shown = frame.filter(pl.col("value").is_not_null())
    colors = series_colors(shown.get_column("series_id").unique().to_list())
    fig = go.Figure()
    units = list(dict.fromkeys(shown.get_column("unit").to_list()))
    for row in shown.iter_rows(named=True):
        fig.add_trace(go.Bar(
            x=[plotly_text(row["label"])], y=[row["value"]], name=plotly_text(row["label"]), marker={"color": colors[row["series_id"]]},
            yaxis="y2" if len(units) > 1 and row["unit"] != units[0] else "y",
            customdata=[_hover_rows(pl.DataFrame([row]), lang)[0]],
            hovertemplate="<b>%{x}</b><br>%{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        ))
    first = shown.row(0, named=True)
    fig = base_layout(fig, title, height)
    extra: dict[str, object] = {"yaxis2": {"title": {"text": plotly_text(" / ".join(unit_label(u, lang)
                                                                                    for u in units[1:]))},
                                           "overlaying": "y", "side": "right", "showgrid": False}} if len(units) > 1 else {}
    fig.update_layout(xaxis={"type": "category", "title": {"text": format_period(first["period_start"],
                                                                                 first["period_end"], lang)}},
                      yaxis={"title": {"text": plotly_text(unit_label(units[0], lang))}}, showlegend=False, **extra)
    return fig


_TICK_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120)  # months between labelled periods


def frequency_ticks(fig: go.Figure, frame: pl.DataFrame, lang: str = "zh", most: int = 12) -> go.Figure:
    """Ticks that name periods at the data's frequency: 2016年 for annual, 2025年9月 for monthly,
    2025年三季度 for quarterly (never a day for monthly data), at most `most` of them."""
    axis = _frequency_axis(frame, lang, most)
    if axis:
        fig.update_xaxes(**axis)
    return fig


def _frequency_axis(frame: pl.DataFrame, lang: str = "zh", most: int = 12) -> dict:
    span = dominant_span(frame)
    step = {"A": 12, "Q": 3, "M": 1}.get(span or "")
    if step is None:
        return {}
    ends = frame.get_column("period_end")
    first, last = ends.min(), ends.max()
    months = (last.year - first.year) * 12 + last.month - first.month  # type: ignore[union-attr]
    every = next((s for s in _TICK_STEPS if s % step == 0 and months // s < most), _TICK_STEPS[-1])
    ticks = pl.date_range(first, last, interval=f"{every}mo", eager=True).dt.month_end()
    starts = ticks.dt.offset_by(f"-{step}mo").dt.month_end().dt.offset_by("1d")
    # points sit in the middle of their period (align_periods); so do the ticks that name them
    middles = [datetime.combine(start, datetime.min.time()) + (end - start + timedelta(days=1)) / 2
               for start, end in zip(starts, ticks, strict=True)]
    # (tickformatstops stay: explicit tick text overrides them, and an empty update never cleared them)
    return {"tickmode": "array", "ticklabelmode": "instant", "dtick": None,
            "tickvals": middles, "ticktext": [format_period(s, e, lang) for s, e in zip(starts, ticks, strict=True)]}


def sparkline(frame: pl.DataFrame, color: str | None = None, max_points: int = DEFAULT_MAX_POINTS,
              height: int = 64) -> go.Figure:
    """A tiny line without axes. frame: period_end, value."""
    fig = go.Figure()
    if not frame.is_empty():
        part = downsample_frame(frame.select("period_end", "value"), "period_end", "value", max_points)
        fig.add_trace(go.Scatter(
            x=part.get_column("period_end").to_list(), y=part.get_column("value").to_numpy(),
            mode="lines+markers" if part.height <= 24 else "lines", connectgaps=False,
            line={"color": color or PALETTE[0], "width": 2}, marker={"size": 3}, hoverinfo="skip",
        ))
    fig.update_layout(
        height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
        xaxis={"visible": False}, yaxis={"visible": False}, template=LIGHT,
        font={"family": FONT_FAMILY}, plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def mark_simulated(fig: go.Figure, lang: str = "zh") -> go.Figure:
    """A 'simulated data' stamp in the plot's top-right corner, so the chart and its PNG say it."""
    fig.add_annotation(text=f"<b>{t('simulated_mark', lang)}</b>", xref="paper", yref="paper", x=1, y=1,
                       xanchor="right", yanchor="top", showarrow=False, bgcolor="rgba(255,255,255,0.85)",
                       bordercolor=ALERT_COLOR, borderwidth=1, borderpad=3,
                       font={"family": FONT_FAMILY, "size": 12, "color": ALERT_COLOR})
    return fig


def figure_bytes(fig: go.Figure) -> int:
    """Bytes of the figure's JSON, i.e. what one chart sends to the browser."""
    return len(fig.to_json().encode("utf-8"))


# ---- date axes ------------------------------------------------------------------------------

def zh_date_ticks(fig: go.Figure, lang: str) -> go.Figure:
    """Chinese date ticks (10月5日, the year under the first) instead of Plotly's English month names."""
    axis = zh_date_axis(lang)
    if axis:
        fig.update_xaxes(**axis)
    return fig


def zh_date_axis(lang: str) -> dict:
    if lang != "zh":
        return {}
    return {"tickformat": "%-m月%-d日", "tickformatstops": [
        {"dtickrange": [None, 86_400_000 * 27], "value": "%-m月%-d日"},
        {"dtickrange": [86_400_000 * 27, "M11"], "value": "%Y年%-m月"},
        {"dtickrange": ["M12", None], "value": "%Y年"}]}


_PERIODS = {"A": "M12", "Q": "M3", "M": "M1"}


def align_periods(fig: go.Figure, part: pl.DataFrame) -> go.Figure:
    """Annual/quarterly/monthly points drawn in the middle of their period, under a label naming it
    (a 2025 total sits above "2025", not at the 2026 tick its period end would give)."""
    trace, axis = _period_axis(part)
    if trace:
        fig.update_traces(**trace)
    if axis:
        fig.update_xaxes(**axis)
    return fig


def _period_axis(part: pl.DataFrame) -> tuple[dict, dict]:
    """(trace settings, x-axis settings) of align_periods."""
    ends = part.get_column("period_end").unique()
    if ends.len() == 1:  # one period only (e.g. companies' year to date): a readable axis around it
        end = ends[0]
        return {}, {"range": [end - timedelta(days=200), end + timedelta(days=200)], "dtick": "M3",
                    "tickformat": "%Y-%m"}
    span = dominant_span(part)
    period = _PERIODS.get(span or "")
    if period is None:
        return {}, {}
    return ({"xperiod": period, "xperiod0": "2000-01-01", "xperiodalignment": "middle"},
            {"ticklabelmode": "period", "dtick": period if span == "A" and _years(part) <= 12 else None})


def _years(part: pl.DataFrame) -> int:
    ends = part.get_column("period_end")
    return int(ends.max().year - ends.min().year + 1)  # type: ignore[union-attr]
