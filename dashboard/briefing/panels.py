"""What each panel shows: KPI tile contents and chart figures, from the gathered data (pure).

Charts come from dashboard.charts (the same builders as the app); a panel whose data is missing
gets a message instead of a figure, so one empty series never breaks the page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, plant_charts, tones, transforms
from dashboard.briefing.gather import FAR_FUTURE, PLANT_VIEW, Gathered
from dashboard.briefing.template import Panel
from dashboard.i18n import format_day, format_number, format_period, pick, series_name, t, unit_label
from dashboard.safe_text import plotly_text

RATE_UNITS = ("%", "pp", "个百分点")
TEXT: dict[str, tuple[str, str]] = {
    "no_data": ("暂无数据\n截至 {as_of} 尚无观测值:{what}", "No data yet\nNothing as of {as_of} for {what}"),
    "not_loaded": ("数据尚未加载\n数据仓库中还没有视图 {view}", "Not loaded yet\nThe warehouse has no view {view} yet"),
    "unknown_series": ("不在指标目录中:{what}", "Not in the series catalog: {what}"),
    "partial": ("暂无数据:{what}", "No data yet: {what}"),
    "vs_prev": ("较上期", "vs previous"),
    "vs_target": ("较目标 {target}", "vs target {target}"),
    "computed": ("计算", "computed"),
    "empty_plant": ("暂无工厂数据\n把工厂日志放入 inbox/plant 后运行 pulse load\n演示数据:pulse simulate --days 30,再运行 pulse load",
                    "No plant data yet\nPut the plant logs in inbox/plant and run pulse load\n"
                    "Demo data: pulse simulate --days 30, then pulse load"),
    "empty_series": ("暂无数据\n数据仓库中还没有{what}\n把含这些指标的文件放入 inbox 后运行 pulse load",
                     "No data yet\nThe warehouse has no {what}\nPut files with these series in the inbox and run pulse load"),
    "empty_tile": ("暂无数据 · 运行 pulse load", "No data yet · run pulse load"),
    "empty_plant_tile": ("暂无工厂数据 · 运行 pulse load", "No plant data · run pulse load"),
    "not_newer": ("{period} · 尚无更新数据", "{period} · nothing newer loaded"),
}


def text(key: str, lang: str, **kwargs: object) -> str:
    return pick(TEXT[key], lang, **kwargs)


@dataclass
class Tile:
    label: str
    number: str = "—"
    unit: str = ""
    period: str = ""
    change: str = ""  # "▲ +3.0%"
    change_note: str = ""  # "同比" / "较目标 99.9%"
    direction: int = 0  # +1 up, -1 down, 0 flat/none
    better: int | None = None  # quality tiles: +1 higher is better, -1 lower (dashboard.tones); None: market
    spark: pl.DataFrame | None = None
    missing: str | None = None


@dataclass
class ChartPanel:
    title: str
    subtitle: str = ""
    figure: go.Figure | None = None
    missing: str | None = None  # shown instead of the figure
    note: str = ""  # a line under the chart (partly missing series, caveats)


def _date_text(d: date, lang: str) -> str:
    return d.isoformat() if lang == "en" else f"{d.year}年{d.month}月{d.day}日"


def _labelled(obs: pl.DataFrame, ids: tuple[str, ...], lang: str) -> pl.DataFrame:
    if obs.is_empty():
        return obs
    part = obs.filter(pl.col("series_id").is_in(list(ids)))
    names = [series_name(z, e, lang) for z, e in zip(part.get_column("name_zh").to_list(),
                                                   part.get_column("name_en").to_list(), strict=True)]
    return part.with_columns(label=pl.Series(names, dtype=pl.Utf8))


def _names(g: Gathered, ids: list[str] | tuple[str, ...], lang: str) -> str:
    names = [(g.known_series[s][1] if lang == "en" else g.known_series[s][0]) if s in g.known_series else s
             for s in ids]
    return ("、" if lang == "zh" else ", ").join(names)


def _absent(g: Gathered, ids: tuple[str, ...], shown: pl.DataFrame, lang: str) -> str:
    present = set(shown.get_column("series_id").to_list()) if shown.height else set()
    unknown = [s for s in ids if s not in g.known_series]
    if unknown:
        return text("unknown_series", lang, what=", ".join(unknown))
    empty = [s for s in ids if s not in present]
    return text("partial", lang, what=_names(g, empty, lang)) if empty else ""


def _change(value: float, before: float | None, unit: str) -> tuple[float | None, str]:
    if before is None or (isinstance(before, float) and math.isnan(before)):
        return None, "%"
    if unit in RATE_UNITS:
        return value - before, "pp"
    return ((value / before - 1) * 100 if before else None), "%"


def _number(value: float, unit: str, lang: str, decimals: int | None) -> str:
    """The tile's number: the template's decimals, whole numbers for counts, else the app's rule."""
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if unit in ("", "count") and float(value).is_integer():
        return f"{int(value):,}"
    return format_number(value, unit, lang, with_unit=False)


def _change_text(change: float, unit: str, lang: str, decimals: int | None) -> str:
    places = decimals if decimals is not None else (1 if unit == "%" else 2)
    change = round(change, places)
    arrow = "▲" if change > 0 else "▼" if change < 0 else "■"
    if unit == "%":
        return f"{arrow} {change:+.{places}f}%"
    if unit == "pp":
        return f"{arrow} {change:+.{places}f} {'pp' if lang == 'en' else '个百分点'}"
    return f"{arrow} {format_number(change, unit, lang, with_unit=False)} {unit_label(unit, lang)}".rstrip()


def _fill_change(tile: Tile, change: float | None, unit: str, note: str, lang: str,
                 decimals: int | None = None) -> None:
    if change is None or math.isnan(change):
        return
    tile.change = _change_text(change, unit, lang, decimals)
    tile.change_note = note
    places = decimals if decimals is not None else (1 if unit == "%" else 2)
    shown = round(change, places)
    tile.direction = (shown > 0) - (shown < 0)


def kpi_tile(panel: Panel, g: Gathered, lang: str) -> Tile:
    if panel.query:
        return _query_tile(panel, g, lang)
    sid = panel.series[0]
    part = _labelled(g.observations, panel.series, lang)
    label = panel.text("label", lang) or (part.get_column("label")[0] if part.height else sid)
    tile = Tile(label=label)
    if part.is_empty():
        if g.as_of == FAR_FUTURE:  # an empty warehouse: what to load, not a date
            tile.missing = text("empty_tile", lang)
        else:
            tile.missing = _absent(g, panel.series, part, lang) or text("partial", lang, what=_names(g, [sid], lang))
        return tile
    part = transforms.select_span(part, None if panel.period == "auto" else panel.period)
    if part.is_empty():
        tile.missing = text("partial", lang, what=_names(g, [sid], lang))
        return tile
    part = part.sort("period_end", "period_start")
    row = part.row(-1, named=True)
    unit = row["unit"] or panel.unit
    tile.number = _number(row["value"], unit, lang, panel.decimals)
    tile.unit = "%" if unit == "%" else unit_label(unit, lang)
    tile.period = format_period(row["period_start"], row["period_end"], lang)
    if _newer_period_due(row["period_start"], row["period_end"], g.as_of):
        tile.period = text("not_newer", lang, period=tile.period)
    if panel.change == "yoy":
        yoy = transforms.yoy(part).filter(pl.col("period_end") == row["period_end"])
        if yoy.height:
            y = yoy.row(-1, named=True)
            note = t("yoy", lang) + (f"({text('computed', lang)})" if y["derived"] else "")
            _fill_change(tile, y["value"], y["unit"], note, lang)
    elif panel.change == "prev" and part.height > 1:
        change, cunit = _change(row["value"], part.row(-2, named=True)["value"], unit)
        _fill_change(tile, change, cunit, text("vs_prev", lang), lang)
    elif panel.change == "target" and panel.target is not None:
        tile.better = tones.quality_better(sid) or 1  # a target is a quality bar: above it is better
        _fill_change(tile, row["value"] - panel.target, "pp" if unit in RATE_UNITS else unit,
                     _target_note(panel, unit, lang), lang, panel.decimals)
    if panel.sparkline and part.height > 2:
        tile.spark = part.select("period_end", "value").tail(24)
    return tile


def _newer_period_due(start: date, end: date, as_of: date) -> bool:
    """The next period of the same length would have ended by the briefing's date, yet the tile
    shows this one: say so (a 2022 price under "data as of 2025-12-31")."""
    return as_of != FAR_FUTURE and end + (end - start) + timedelta(days=1) <= as_of


def _no_data(g: Gathered, lang: str, what: str, sql: str = "") -> str:
    """Nothing to show: as of a real date, which date; with no data at all, what to load."""
    if g.as_of != FAR_FUTURE:
        return text("no_data", lang, as_of=_date_text(g.as_of, lang), what=what)
    return text("empty_plant", lang) if PLANT_VIEW.search(sql) else text("empty_series", lang, what=what)


def _target_note(panel: Panel, unit: str, lang: str) -> str:
    label = panel.text("target_label", lang)
    return label or text("vs_target", lang, target=format_number(panel.target, unit, lang))


def _query_tile(panel: Panel, g: Gathered, lang: str) -> Tile:
    tile = Tile(label=panel.text("label", lang) or panel.query or "")
    result = g.queries[panel.query or ""]
    if g.as_of == FAR_FUTURE:  # no data at all: "0 alerts" would read as good news
        plant = PLANT_VIEW.search(g.template.queries[panel.query or ""].sql)
        tile.missing = text("empty_plant_tile" if plant else "empty_tile", lang)
        return tile
    if result.missing:
        tile.missing = text("not_loaded", lang, view=result.missing)
        return tile
    frame = result.frame
    if frame.is_empty() or panel.value not in frame.columns or frame.get_column(panel.value).drop_nulls().is_empty():
        tile.missing = _no_data(g, lang, tile.label, g.template.queries[panel.query or ""].sql)
        return tile
    date_col = g.template.queries[panel.query or ""].date
    if date_col and date_col in frame.columns:
        frame = frame.sort(date_col)
        last = frame.get_column(date_col)[-1]
        day = last.date() if isinstance(last, datetime) else last
        tile.period = format_day(day, lang) if isinstance(day, date) else str(day)  # a day, not "end-Sep"
    values = frame.get_column(panel.value).drop_nulls().cast(pl.Float64)
    value = float(values[-1])
    tile.number = _number(value, panel.unit, lang, panel.decimals)
    tile.unit = "%" if panel.unit == "%" else "" if panel.unit == "count" else unit_label(panel.unit, lang)
    if panel.change == "target" and panel.target is not None:
        tile.better = tones.quality_better(panel.value or "") or 1  # a target is a quality bar
        _fill_change(tile, value - panel.target, "pp" if panel.unit in RATE_UNITS else panel.unit,
                     _target_note(panel, panel.unit, lang), lang, panel.decimals)
    elif panel.change == "prev" and values.len() > 1:
        change, cunit = _change(value, float(values[-2]), panel.unit)
        _fill_change(tile, change, cunit, text("vs_prev", lang), lang)
    if panel.sparkline and date_col and values.len() > 2:
        tile.spark = frame.select(pl.col(date_col).alias("period_end"), pl.col(panel.value).alias("value")).tail(30)
    return tile


def chart_panel(panel: Panel, g: Gathered, lang: str, height: int, max_points: int = 2000) -> ChartPanel:
    out = ChartPanel(title=panel.text("title", lang), note=panel.text("note", lang))
    if panel.chart == "series":
        return _series_panel(panel, g, lang, height, max_points, out)
    result = g.queries[panel.query or ""]
    if result.missing:
        out.missing = text("not_loaded", lang, view=result.missing)
        return out
    frame = result.frame
    if frame.is_empty():
        out.missing = _no_data(g, lang, out.title or panel.query or "", g.template.queries[panel.query or ""].sql)
        return out
    if panel.chart == "pchart":
        out.figure = plant_charts.pchart(frame, lang, target_pct=panel.target, max_points=max_points, height=height)
    elif panel.chart == "ichart":
        out.figure = plant_charts.ichart(frame, lang, published_pct=panel.target, max_points=max_points, height=height)
    elif panel.chart == "pareto":
        out.figure = plant_charts.pareto(frame, lang, category=panel.category, count=panel.count, height=height)
    else:
        out.figure = table_figure(frame, panel, lang, height)
    return out


def _series_panel(panel: Panel, g: Gathered, lang: str, height: int, max_points: int, out: ChartPanel) -> ChartPanel:
    part = _labelled(g.observations, panel.series, lang)
    absent = _absent(g, panel.series, part, lang)
    if part.height:
        part = transforms.select_span(part, None if panel.period == "auto" else panel.period)
        part = transforms.in_range(part, panel.start, None)
        part, _ = transforms.apply_transform(part, panel.transform, panel.base)
    if part.is_empty():
        out.missing = _no_data(g, lang, _names(g, panel.series, lang))
        return out
    common = _strip_common(part)
    if common:
        part = part.with_columns(label=pl.col("label").str.replace(common, "", literal=True).str.strip_chars())
    out.figure = _wrap_categories(charts.series_chart(part, lang, title=None, max_points=max_points, height=height))
    units = list(dict.fromkeys(unit_label(u, lang) for u in part.get_column("unit").to_list() if u))
    first, last = part.get_column("period_end").min(), part.get_column("period_end").max()
    years = f"{first.year}–{last.year}" if first.year != last.year else str(last.year)  # type: ignore[union-attr]
    bits = [" / ".join(units)] if units else []
    if common:
        bits.insert(0, re.sub(r"^[\s(（]+|[)）\s]+$", "", common))
    if panel.transform != "level":
        bits.append(t(f"t_{panel.transform}", lang))
    out.subtitle = " · ".join([*bits, years])
    out.note = " ".join(x for x in (out.note, absent) if x)
    return out


def _wrap_categories(fig: go.Figure, chars: int = 16) -> go.Figure:
    """Bar names on a category axis broken into lines of about `chars` characters, kept level: a
    card has no room for rotated English company names running below its edge."""
    bars = [tr for tr in fig.data if tr.type == "bar" and tr.x is not None and all(isinstance(x, str) for x in tr.x)]
    if not bars or all(len(x) <= chars for tr in bars for x in tr.x):
        return fig
    for trace in bars:
        trace.x = [_wrap(x, chars) for x in trace.x]
    fig.update_xaxes(tickangle=0)
    return fig


def _wrap(label: str, chars: int) -> str:
    words, lines = label.split(" "), [""]
    if len(words) == 1:  # Chinese: no spaces, cut every `chars` characters
        return "<br>".join(label[i:i + chars] for i in range(0, len(label), chars))
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > chars:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "<br>".join(lines)


def _strip_common(part: pl.DataFrame) -> str:
    """A bracketed suffix every label shares, e.g. "(2015=100)", said once in the subtitle instead."""
    labels = part.get_column("label").unique().to_list()
    if len(labels) < 2:
        return ""
    for opener in ("(", "（", " ("):
        tails = {lab[lab.rfind(opener):] if opener in lab else "" for lab in labels}
        if len(tails) == 1 and (tail := tails.pop()) and all(len(lab) > len(tail) for lab in labels):
            return tail
    return ""


def _cell(value: object, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def table_figure(frame: pl.DataFrame, panel: Panel, lang: str, height: int) -> go.Figure:
    """A compact table (e.g. the latest control-chart alerts): the panel's columns, newest rows first."""
    columns = [c for c in (panel.columns or tuple(frame.columns)) if c in frame.columns]
    headers = list(panel.headers_en if lang == "en" and panel.headers_en else panel.headers) or columns
    headers = (headers + columns[len(headers):])[: len(columns)]
    rows = frame.select(columns).head(panel.max_rows)
    cells = [[plotly_text(_cell(v, lang)) for v in rows.get_column(c).to_list()] for c in columns]  # cells render HTML
    widths = [max([len(h) * 2 if not h.isascii() else len(h), *(len(v) for v in col)]) for h, col in zip(headers, cells, strict=True)]
    fig = go.Figure(go.Table(
        columnwidth=[min(max(w, 6), 40) for w in widths],
        header={"values": [f"<b>{plotly_text(h)}</b>" for h in headers], "fill": {"color": "#e8eef6"}, "align": "left",
                "font": {"family": charts.FONT_FAMILY, "size": 13, "color": "#1b2631"}, "height": 30,
                "line": {"color": "#d5dde8"}},
        cells={"values": cells, "align": "left", "height": 28, "line": {"color": "#e5e9f0"},
               "font": {"family": charts.FONT_FAMILY, "size": 12, "color": "#1b2631"},
               "fill": {"color": [["#ffffff", "#f7f9fc"] * (rows.height // 2 + 1)]}},
    ))
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, font={"family": charts.FONT_FAMILY})
    return fig
