"""The page: header, a grid of KPI tiles and chart cards, footer with sources and version.

The whole page is ONE Plotly figure (paper coordinates for text and cards, one domain per chart),
exported once by one browser: crisp vector text, one font family, deterministic output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import plotly.graph_objects as go

from dashboard import charts, tones
from dashboard.briefing.embed import Page, embed
from dashboard.briefing.gather import Gathered
from dashboard.briefing.panels import ChartPanel, Tile, chart_panel, kpi_tile
from dashboard.briefing.template import BriefingError, Panel
from dashboard.i18n import pick
from dashboard.safe_text import plotly_text

MARGIN, GAP, HEADER, FOOTER = 36, 18, 124, 92
KPI_HEIGHT, CHART_HEIGHT, TABLE_HEIGHT, MIN_CHART = 158, 400, 320, 220
INK, MUTED, FAINT, CARD_LINE = "#1b2631", "#5d6d7e", "#8a96a3", "#dde3ea"
BACKGROUND, BAND, BAND_TEXT, ACCENT = "#f3f5f8", "#0b2d5b", "#c9d6e8", charts.PALETTE[0]
TEXT: dict[str, tuple[str, str]] = {
    "as_of": ("数据截至 {date}", "Data as of {date}"),
    "latest": ("(最新)", " (latest)"),
    "as_it_stood": ("按 {date} 的数据状态", "as it stood on {date}"),
    "warehouse": ("数据仓库 v{n} · 发布于 {at}", "Warehouse v{n} · published {at}"),
    "sources": ("来源:", "Sources: "),
    "hosts": ("参考来源 {hosts}{more}({loaded} 载入)", "reference sources {hosts}{more} (loaded {loaded})"),
    "more": (" 等 {n} 个网站", " and {n} more sites"),
    "plant_logs": ("工厂日志 {n} 个文件", "{n} plant log {files}"),
    "plant_lines": ("{lines}工厂日志 {n} 个文件", "{n} plant log {files} ({lines})"),
    "line_weld": ("焊接线", "welding line"),
    "line_gallium": ("提镓线", "gallium line"),
    "no_data_header": ("尚无数据", "No data yet"),
    "no_data_hint": ("运行 pulse load 加载数据后再生成", "run pulse load, then render again"),
    "simulated": ("模拟数据 · 仅供演示", "SIMULATED DATA · demo only"),
    "no_sources": ("无", "none"),
    "made_by": ("Pulse 有色金属指标 · 同比为公布值,标注“计算”者由 Pulse 按日历期间计算",
                "Pulse nonferrous metrics · YoY as published unless marked computed (same period a year earlier)"),
}


def text(key: str, lang: str, **kwargs: object) -> str:
    return pick(TEXT[key], lang, **kwargs)


def plant_logs_text(n: int, lines: str, lang: str) -> str:
    """"焊接线、提镓线工厂日志 2 个文件" / "2 plant log files (welding line, gallium line)"."""
    files = "file" if n == 1 else "files"
    return text("plant_lines", lang, n=n, lines=lines, files=files) if lines else \
        text("plant_logs", lang, n=n, files=files)


def text_width(s: str, size: float) -> float:
    """Rough rendered width in px (CJK full width, Latin ~0.56 em): enough to truncate safely."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in s)


def fit(s: str, px: float, size: float) -> str:
    if text_width(s, size) <= px:
        return s
    while s and text_width(s + "…", size) > px:
        s = s[:-1]
    return s + "…"


def date_text(d: date, lang: str) -> str:
    return d.isoformat() if lang == "en" else f"{d.year}年{d.month}月{d.day}日"


@dataclass
class Cell:
    panel: Panel
    left: float
    top: float
    right: float
    bottom: float


def grid(panels: tuple[Panel, ...], width: int, columns: int, height: int | None) -> tuple[list[Cell], int]:
    """Flow panels left to right in `columns` columns; a panel that does not fit starts a new row.

    Returns the cells (pixel boxes) and the page height. A fixed `height` stretches chart rows.
    """
    col_w = (width - 2 * MARGIN - (columns - 1) * GAP) / columns
    rows: list[list[Panel]] = [[]]
    used = 0
    for panel in panels:
        if used + panel.span > columns and rows[-1]:
            rows.append([])
            used = 0
        rows[-1].append(panel)
        used += panel.span
    heights = [max(_natural_height(p) for p in row) for row in rows]
    natural = HEADER + GAP + sum(heights) + GAP * (len(rows) - 1) + GAP + FOOTER
    if height is not None and height != natural:
        stretchy = [i for i, row in enumerate(rows) if any(p.type == "chart" and p.height is None for p in row)]
        extra = (height - natural) / max(1, len(stretchy))
        if not stretchy or min(heights[i] for i in stretchy) + extra < MIN_CHART:
            raise BriefingError(f"height {height} px is too small for the template's panels "
                                f"(needs at least {natural - sum(heights[i] - MIN_CHART for i in stretchy)} px); "
                                "raise 'height' or remove it.")
        heights = [h + extra if i in stretchy else h for i, h in enumerate(heights)]
    cells: list[Cell] = []
    top = HEADER + GAP
    for row, row_h in zip(rows, heights, strict=True):
        left = MARGIN
        for panel in row:
            right = left + panel.span * col_w + (panel.span - 1) * GAP
            cells.append(Cell(panel, left, top, right, top + row_h))
            left = right + GAP
        top += row_h + GAP
    return cells, int(height if height is not None else round(natural))


def _natural_height(panel: Panel) -> int:
    if panel.height is not None:
        return panel.height
    if panel.type == "kpi":
        return KPI_HEIGHT
    return TABLE_HEIGHT if panel.chart == "table" else CHART_HEIGHT


def compose(g: Gathered, lang: str, width: int, height: int | None = None, max_points: int = 2000) -> go.Figure:
    """The whole briefing as one figure of `width` x (natural or given) height layout pixels."""
    cells, page_h = grid(g.template.panels, width, g.template.columns, height)
    page = Page(width, page_h)
    _header(page, g, lang)
    for cell in cells:
        _card(page, cell)
        if cell.panel.type == "kpi":
            _tile(page, cell, kpi_tile(cell.panel, g, lang), lang)
        else:
            plot_h = int(cell.bottom - cell.top)
            _chart(page, cell, chart_panel(cell.panel, g, lang, plot_h, max_points))
    _footer(page, g, lang)
    return page.figure(
        width=width, height=page_h, margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0, "autoexpand": False}, autosize=False,
        template="plotly_white", paper_bgcolor=BACKGROUND, plot_bgcolor="#ffffff", showlegend=True,
        font={"family": charts.FONT_FAMILY, "size": 12, "color": INK}, hovermode=False,
    )


def note(page: Page, x: float, y: float, s: str, size: float, color: str = INK, anchor: str = "left",
          valign: str = "top", bold: bool = False, markup: bool = False) -> None:
    """Text on the page; escaped (it comes from data and templates) unless the caller built `markup`."""
    s = s if markup else plotly_text(s)
    page.annotations.append({
        "xref": "paper", "yref": "paper", "x": page.px_x(x), "y": page.px_y(y), "text": f"<b>{s}</b>" if bold else s,
        "showarrow": False, "xanchor": anchor, "yanchor": valign, "align": anchor,
        "font": {"family": charts.FONT_FAMILY, "size": size, "color": color},
    })


def rect(page: Page, left: float, top: float, right: float, bottom: float, fill: str, line: str | None = None,
          radius: float = 0) -> None:
    shape: dict[str, Any] = {"xref": "paper", "yref": "paper", "fillcolor": fill, "layer": "below",
                             "line": {"color": line or fill, "width": 1 if line else 0}}
    if radius:
        x0, x1, y0, y1 = (page.px_x(left), page.px_x(right), page.px_y(top), page.px_y(bottom))
        rx, ry = radius / page.width, radius / page.height
        shape["type"] = "path"
        shape["path"] = (f"M {x0 + rx},{y0} L {x1 - rx},{y0} Q {x1},{y0} {x1},{y0 - ry} L {x1},{y1 + ry} "
                         f"Q {x1},{y1} {x1 - rx},{y1} L {x0 + rx},{y1} Q {x0},{y1} {x0},{y1 + ry} "
                         f"L {x0},{y0 - ry} Q {x0},{y0} {x0 + rx},{y0} Z")
    else:
        shape.update(type="rect", x0=page.px_x(left), x1=page.px_x(right), y0=page.px_y(bottom), y1=page.px_y(top))
    page.shapes.append(shape)


def _header(page: Page, g: Gathered, lang: str) -> None:
    tpl, w = g.template, page.width
    rect(page, 0, 0, w, HEADER, BAND)
    rect(page, 0, HEADER - 4, w, HEADER, charts.PALETTE[1])
    right_w = 380
    note(page, MARGIN, 28, fit(tpl.text("title", lang), w - 2 * MARGIN - right_w, 32), 32, "#ffffff", bold=True)
    subtitle = tpl.text("subtitle", lang)
    if subtitle:
        note(page, MARGIN, 78, fit(subtitle, w - 2 * MARGIN - right_w, 16), 16, BAND_TEXT)
    if g.shown_until is not None:  # the newest data shown, also when a date was asked for
        as_of = text("as_of", lang, date=date_text(g.shown_until, lang)) + ("" if g.requested else text("latest", lang))
    else:  # nothing to show: say so in words, never "as of 9999-12-31"
        as_of = f"{text('no_data_header', lang)} · {text('no_data_hint', lang)}"
    note(page, w - MARGIN, 30, as_of, 20, "#ffffff", anchor="right", bold=True)
    version = text("warehouse", lang, n=g.warehouse_number, at=g.published_at[:10])
    if g.requested and g.shown_until != g.requested:  # the data as it stood on a later day than its newest row
        version = f"{text('as_it_stood', lang, date=date_text(g.requested, lang))} · {version}"
    note(page, w - MARGIN, 64, version, 14, BAND_TEXT, anchor="right")
    if g.simulated:
        label = text("simulated", lang)
        label_w = text_width(label, 13) + 24
        rect(page, w - MARGIN - label_w, 88, w - MARGIN, 110, "#f6c445", radius=4)
        note(page, w - MARGIN - label_w / 2, 99, label, 13, BAND, anchor="center", valign="middle", bold=True)


def _card(page: Page, cell: Cell) -> None:
    rect(page, cell.left, cell.top, cell.right, cell.bottom, "#ffffff", CARD_LINE, radius=6)


def _tile(page: Page, cell: Cell, tile: Tile, lang: str) -> None:
    x, w = cell.left + 20, cell.right - cell.left - 40
    rect(page, cell.left, cell.top + 14, cell.left + 4, cell.bottom - 14, ACCENT)
    note(page, x, cell.top + 16, fit(tile.label, w, 15), 15, MUTED)
    spark = tile.spark is not None and not tile.missing and w > 260
    number_w = w * (0.62 if spark else 1)
    unit = f"<span style='font-size:15px;color:{MUTED}'> {plotly_text(tile.unit)}</span>" if tile.unit else ""
    size = 34 if text_width(tile.number, 34) + text_width(tile.unit, 15) < number_w else 26
    note(page, x, cell.top + 44, f"<b>{plotly_text(tile.number)}</b>{unit}", size, INK, markup=True)
    if tile.missing:
        note(page, x, cell.top + 96, fit(tile.missing.replace("\n", ":"), w, 13), 13, FAINT)
    elif tile.change:
        color = tones.change_color(tile.direction, tile.better)
        note(page, x, cell.top + 94, f"<b>{plotly_text(tile.change)}</b>  "
              f"<span style='color:{MUTED}'>{plotly_text(tile.change_note)}</span>", 15, color, markup=True)
    if tile.period:
        note(page, x, cell.bottom - 14, tile.period, 12, FAINT, valign="bottom")
    if spark and tile.spark is not None:
        box = page.box(cell.left + 20 + number_w + 8, cell.top + 48, cell.right - 18, cell.bottom - 40)
        embed(page, charts.sparkline(tile.spark, color=ACCENT), box, legend=None)


def _chart(page: Page, cell: Cell, content: ChartPanel) -> None:
    left, top, right, bottom = cell.left, cell.top, cell.right, cell.bottom
    title_w = (right - left) - 40 - (text_width(content.subtitle, 13) + 16 if content.subtitle else 0)
    note(page, left + 20, top + 16, fit(content.title, title_w, 18), 18, INK, bold=True)
    if content.subtitle:
        note(page, right - 20, top + 19, content.subtitle, 13, MUTED, anchor="right")
    if content.note:
        note(page, left + 20, bottom - 12, fit(content.note, right - left - 40, 12), 12, FAINT, valign="bottom")
    if content.figure is None:
        headline, *details = (content.missing or "—").split("\n")
        middle = (top + 56 + bottom - 20) / 2
        rect(page, left + 20, top + 56, right - 20, bottom - 20, "#f7f9fc", "#e5e9f0", radius=4)
        note(page, (left + right) / 2, middle - 4, headline, 18, MUTED, anchor="center", valign="bottom", bold=True)
        for i, detail in enumerate(details):  # e.g. what to load, then the demo command: one line each
            note(page, (left + right) / 2, middle + 6 + 22 * i, fit(detail, right - left - 100, 14), 14, FAINT,
                 anchor="center")
        return
    fig = content.figure
    is_table = any(getattr(t, "type", "") == "table" for t in fig.data)
    if is_table:
        embed(page, fig, page.box(left + 20, top + 54, right - 20, bottom - 16), legend=None)
        return
    second_axis = "yaxis2" in fig.layout and fig.layout.yaxis2.overlaying is not None
    named = [i for i, t in enumerate(fig.data) if getattr(t, "name", None) and getattr(t, "showlegend", None) is not False]
    left_px, right_px = left + 74, right - (78 if second_axis else 26)
    rows = legend_rows([fig.data[i].name for i in named], right_px - left_px)
    legend_h = LEGEND_ROW * len(rows) + 8 if named else 0
    note_h = 18 if content.note else 0
    plot = page.box(left_px, top + 60, right_px, bottom - 40 - legend_h - note_h)
    start = len(page.data)
    legend = {"orientation": "h", "x": plot.x0, "xanchor": "left", "y": 0.0,
              "yanchor": "bottom", "font": {"size": 12, "color": MUTED}, "bgcolor": "rgba(0,0,0,0)"}
    first_id = page.counters["legend"] + 1
    embed(page, fig, plot, legend=legend if named else None)
    if named:
        place_legend_rows(page, start, named, rows, first_id, legend, bottom - 14 - note_h)


LEGEND_ROW, LEGEND_ENTRY, MAX_LEGEND_ROWS = 20, 44, 4


def legend_rows(names: list[str], width_px: float) -> list[list[str]]:
    """Legend entries packed into rows that fit the card (Plotly wraps only at the page's edge).

    Names are kept whole; only a name wider than a row, or more than MAX_LEGEND_ROWS rows, is
    shortened, and then each keeps its own words (never four identical "Innovation …")."""
    names = [fit(n, width_px - LEGEND_ENTRY, 12) for n in names]
    rows = _pack(names, width_px)
    if len(rows) > MAX_LEGEND_ROWS:
        per_row = -(-len(names) // MAX_LEGEND_ROWS)
        budget = width_px / per_row - LEGEND_ENTRY
        rows = _pack(distinct_fit(names, budget, 12), width_px)
    return rows


def _pack(names: list[str], width_px: float) -> list[list[str]]:
    rows: list[list[str]] = [[]]
    used = 0.0
    for name in names:
        need = text_width(name, 12) + LEGEND_ENTRY
        if rows[-1] and used + need > width_px:
            rows.append([])
            used = 0.0
        rows[-1].append(name)
        used += need
    return rows


def distinct_fit(names: list[str], px: float, size: float) -> list[str]:
    """Shorten names to `px` keeping what tells them apart: the words all names share at the start
    become "…", then each is cut at its end."""
    prefix = _common_words(names)
    cut = [("…" + n[len(prefix):]) if prefix and len(n) > len(prefix) else n for n in names]
    return [fit(n, px, size) for n in cut]


def _common_words(names: list[str]) -> str:
    if len(names) < 2:
        return ""
    shortest = min(names, key=len)
    i = 0
    while i < len(shortest) and all(n[i] == shortest[i] for n in names):
        i += 1
    head = shortest[:i]
    return head[: head.rfind(" ") + 1] if head.isascii() else head


def place_legend_rows(page: Page, start: int, named: list[int], rows: list[list[str]], first_id: int,
                       legend: dict[str, Any], bottom_px: float) -> None:
    """One page legend per row, bottom row at `bottom_px`; trace names as the rows shortened them."""
    traces = [page.data[start + i] for i in named]
    flat = [name for row in rows for name in row]
    for trace, name in zip(traces, flat, strict=True):
        trace["name"] = name
    k = 0
    for r, row in enumerate(rows):
        legend_id = "legend" if first_id + r == 1 else f"legend{first_id + r}"
        if r:
            page.counters["legend"] += 1
        y = bottom_px - (len(rows) - 1 - r) * LEGEND_ROW
        page.layout[legend_id] = {**legend, "y": page.px_y(y)}
        for trace in traces[k:k + len(row)]:
            trace["legend"] = legend_id
        k += len(row)


def _footer(page: Page, g: Gathered, lang: str) -> None:
    w, h = page.width, page.height
    top = h - FOOTER + 10
    rect(page, MARGIN, top, w - MARGIN, top + 1, CARD_LINE)
    parts = list(g.documents)
    if g.hosts:
        shown = g.hosts[:5]
        more = text("more", lang, n=len(g.hosts)) if len(g.hosts) > len(shown) else ""
        parts.append(text("hosts", lang, hosts="、".join(shown) if lang == "zh" else ", ".join(shown), more=more,
                          loaded=g.loaded_on or "—"))
    if g.plant_logs:  # named by production line, not by view (v_weld_daily means nothing to a reader)
        lines = ("、" if lang == "zh" else ", ").join(text(f"line_{line}", lang) for line in g.plant_lines)
        parts.append(plant_logs_text(g.plant_logs, lines, lang))
    sources = text("sources", lang) + ("; ".join(parts) if parts else text("no_sources", lang))
    note(page, MARGIN, top + 14, fit(sources, w - 2 * MARGIN, 13), 13, MUTED)
    line2 = [text("warehouse", lang, n=g.warehouse_number, at=g.published_at[:16].replace("T", " "))]
    template_note = g.template.text("note", lang)
    if template_note:
        line2.append(template_note)
    note(page, MARGIN, top + 38, fit(" · ".join(line2), w - 2 * MARGIN - 200, 13), 13, MUTED)
    note(page, MARGIN, top + 60, fit(text("made_by", lang), w - 2 * MARGIN, 12), 12, FAINT)
    if g.simulated:
        note(page, w - MARGIN, top + 38, text("simulated", lang), 13, "#b7791f", anchor="right", bold=True)
