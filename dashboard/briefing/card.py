"""A chart's PNG download as a small card: title and unit above the plot; sources, the date of the
newest data drawn, the warehouse version and a "simulated" mark below it. Drawn as ONE figure by
the briefings' warm Chromium (dashboard.briefing.export), with the same page helpers as a briefing.

    card_facts(db, fig, lang, ...) -> CardFacts       # read on click: sources, version, as-of
    card_figure(fig, facts, width, height) -> Figure   # what the renderer receives (tests check it)
    card_png_later(fig, db, lang, ...) -> Callable      # st.download_button(data=...): renders on click

The PNG also carries the card's text as PNG text chunks (Title, Source, ...), so a file found
later in a folder still says where its numbers came from.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboard import charts
from dashboard.briefing.compose import (
    BACKGROUND,
    BAND,
    CARD_LINE,
    FAINT,
    INK,
    LEGEND_ROW,
    MUTED,
    date_text,
    fit,
    legend_rows,
    note,
    place_legend_rows,
    plant_logs_text,
    rect,
    text_width,
)
from dashboard.briefing.compose import text as page_text
from dashboard.briefing.embed import Page, embed
from dashboard.briefing.export import Renderer, shared_renderer
from dashboard.briefing.gather import (
    FAR_FUTURE,
    OBSERVATIONS_AS_OF,
    PLANT_LINES,
    dated_sources,
    source_hosts,
    undated_loaded_on,
)
from dashboard.i18n import t
from etl.read import connect_readonly, frame

HEADER, FOOTER, SIDE = 76, 66, 24
PLOT_LEFT, PLOT_RIGHT, PLOT_RIGHT_2ND = 70, 24, 70


@dataclass(frozen=True)
class CardFacts:
    title: str
    unit: str
    sources: str  # one line, in the card's language
    as_of: date | None  # the newest data the chart draws; None: no dated data
    warehouse: str  # "数据仓库 v3 · 发布于 2026-12-02 20:18"
    simulated: bool
    lang: str

    def lines(self) -> dict[str, str]:
        """The card's words by PNG text keyword (what the picture says, for a reader of the file)."""
        out = {"Title": self.title, "Description": self.unit, "Source": self.sources,
               "Data as of": date_text(self.as_of, self.lang) if self.as_of else "—", "Warehouse": self.warehouse}
        if self.simulated:
            out["Warning"] = t("card_simulated", self.lang)
        return {k: v for k, v in out.items() if v}


def card_facts(db: Path, fig: go.Figure, lang: str, title: str | None = None, series: tuple[str, ...] = (),
               views: tuple[str, ...] = (), as_of: date | None = None, simulated: bool = False) -> CardFacts:
    """The card's words: series -> their publishers and documents; views -> the plant logs behind them."""
    first, last = x_dates(fig)
    shown = as_of or last
    con = connect_readonly(db)
    try:
        info = dict(frame(con, "SELECT key, value FROM warehouse_info").iter_rows())
        parts, sim = _series_sources(con, series, first, shown, lang) if series else ([], False)
        if views:
            plant, plant_sim, newest = _plant_sources(con, views, lang)
            parts.append(plant)
            sim, shown = sim or plant_sim, shown or newest
    finally:
        con.close()
    sources = t("card_sources", lang, sources="; ".join(parts) if parts else t("card_no_sources", lang))
    warehouse = t("card_warehouse", lang, n=info.get("version", "?"),
                  at=str(info.get("published_at", ""))[:16].replace("T", " "))
    return CardFacts(title=title or figure_title(fig, lang), unit=figure_unit(fig), sources=sources, as_of=shown,
                     warehouse=warehouse, simulated=simulated or sim, lang=lang)


def _series_sources(con: Any, series: tuple[str, ...], since: date | None, until: date | None,
                    lang: str) -> tuple[list[str], bool]:
    """Sources of the rows drawn: the current vintage of each period in the chart's date range."""
    obs = frame(con, OBSERVATIONS_AS_OF, {"ids": list(series), "as_of": until or FAR_FUTURE})
    if since is not None and obs.height:
        obs = obs.filter(pl.col("period_end") >= since)
    if obs.is_empty():
        return [], False
    parts = dated_sources(obs, lang)
    hosts = source_hosts(obs)
    if hosts:
        shown = hosts[:4]
        more = page_text("more", lang, n=len(hosts)) if len(hosts) > len(shown) else ""
        parts.append(page_text("hosts", lang, hosts=("、" if lang == "zh" else ", ").join(shown), more=more,
                                  loaded=undated_loaded_on(obs) or "—"))
    return parts, bool(obs.get_column("simulated").any())


def _plant_sources(con: Any, views: tuple[str, ...], lang: str) -> tuple[str, bool, date | None]:
    """"welding line plant logs (N files)", whether any is simulated, and the newest day in the views."""
    row = con.execute("SELECT count(*), coalesce(bool_or(simulated), false) FROM documents "
                      "WHERE kind = 'plant_log'").fetchone() or (0, False)
    lines = [line for line in PLANT_LINES if any(v.lower().startswith(f"v_{line}") for v in views)]
    words = ("、" if lang == "zh" else ", ").join(page_text(f"line_{line}", lang) for line in lines)
    # gallium batches name their log; every other plant log is a welding-line log
    gallium = con.execute("SELECT count(DISTINCT document_id) FROM plant_gallium_batches").fetchone()[0]
    files = {"gallium": gallium, "weld": row[0] - gallium}
    n = sum(files[line] for line in lines) if lines else row[0]
    text = plant_logs_text(n, words, lang)
    newest = []
    for view in views:
        cols = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? AND "
                           "(data_type = 'DATE' OR data_type LIKE 'TIMESTAMP%')", [view]).fetchall()
        newest += [con.execute(f'SELECT max("{c}")::DATE FROM "{view}"').fetchone()[0] for (c,) in cols]  # noqa: S608 - catalog names
    return text, bool(row[1]), max((d for d in newest if d is not None), default=None)


def x_dates(fig: go.Figure) -> tuple[date | None, date | None]:
    """The first and last date on the traces' x axes: the span of data the chart actually draws."""
    found: list[date] = []
    for trace in fig.data:
        xs = getattr(trace, "x", None)
        if xs is not None and len(xs):
            found += _days(xs)
    return (min(found), max(found)) if found else (None, None)


def _days(xs: Any) -> list[date]:
    arr = np.asarray(xs)
    if np.issubdtype(arr.dtype, np.datetime64):
        return [arr.min().astype("datetime64[D]").item(), arr.max().astype("datetime64[D]").item()]
    days = []
    for x in arr.tolist():
        if isinstance(x, datetime):
            days.append(x.date())
        elif isinstance(x, date):
            days.append(x)
        elif isinstance(x, str) and len(x) >= 10 and x[4] == "-" and x[7] == "-":
            try:
                days.append(date.fromisoformat(x[:10]))
            except ValueError:
                return []
        else:
            return []  # categories or numbers: this axis holds no dates
    return days


def figure_title(fig: go.Figure, lang: str) -> str:
    """The chart's own title, else its series names (what a person would call it)."""
    title = fig.layout.title.text if fig.layout.title else None
    if title:
        return str(title).replace("<b>", "").replace("</b>", "")
    names = list(dict.fromkeys(tr.name for tr in fig.data if tr.name and tr.showlegend is not False))
    if not names:
        return t("card_untitled", lang)
    if len(names) <= 2:
        return ("、" if lang == "zh" else ", ").join(names)
    return names[0] + t("card_more_series", lang, n=len(names), more=len(names) - 1)


def figure_unit(fig: go.Figure) -> str:
    axes = [fig.layout[k] for k in ("yaxis", "yaxis2") if k in fig.layout]
    units = [ax.title.text for ax in axes if ax.title.text]
    return " / ".join(dict.fromkeys(str(u) for u in units))


def card_figure(fig: go.Figure, facts: CardFacts, width: int = 1200, height: int = 480) -> go.Figure:
    """The card as one page figure of `width` x (chart `height` + header + footer) layout px."""
    lang, page_h = facts.lang, height + HEADER + FOOTER
    page = Page(width, page_h)
    rect(page, 0, 0, width, page_h, "#ffffff")
    rect(page, 0, 0, 6, HEADER, charts.PALETTE[0])
    as_of = t("card_as_of", lang, date=date_text(facts.as_of, lang)) if facts.as_of else ""
    right_w = text_width(as_of, 15) + SIDE
    note(page, SIDE, 16, fit(facts.title, width - 2 * SIDE - right_w, 20), 20, INK, bold=True)
    if facts.unit:
        note(page, SIDE, 48, fit(facts.unit, width - 2 * SIDE - 220, 13), 13, MUTED)
    if as_of:
        note(page, width - SIDE, 18, as_of, 15, INK, anchor="right", bold=True)
    if facts.simulated:
        label = t("card_simulated", lang)
        label_w = text_width(label, 12) + 20
        rect(page, width - SIDE - label_w, 44, width - SIDE, 64, "#f6c445", radius=4)
        note(page, width - SIDE - label_w / 2, 54, label, 12, BAND, anchor="center", valign="middle", bold=True)
    rect(page, SIDE, HEADER - 1, width - SIDE, HEADER, CARD_LINE)
    _plot(page, fig, HEADER + 8, HEADER + height - 4)
    top = page_h - FOOTER + 6
    rect(page, SIDE, top, width - SIDE, top + 1, CARD_LINE)
    note(page, SIDE, top + 10, fit(facts.sources, width - 2 * SIDE, 12), 12, MUTED)
    note(page, SIDE, top + 32, fit(f"{facts.warehouse} · {t('app_title', lang)}", width - 2 * SIDE - 200, 12), 12, FAINT)
    if facts.simulated:
        note(page, width - SIDE, top + 32, t("card_simulated", lang), 12, "#b7791f", anchor="right", bold=True)
    return page.figure(
        width=width, height=page_h, margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0, "autoexpand": False},
        autosize=False, template="plotly_white", paper_bgcolor=BACKGROUND, plot_bgcolor="#ffffff", showlegend=True,
        font={"family": charts.FONT_FAMILY, "size": 12, "color": INK}, hovermode=False,
        barmode=fig.layout.barmode, bargap=fig.layout.bargap)


def _plot(page: Page, fig: go.Figure, top: float, bottom: float) -> None:
    """The chart between `top` and `bottom`, its legend packed in rows under it (as in a briefing)."""
    second_axis = "yaxis2" in fig.layout and fig.layout.yaxis2.overlaying is not None
    left, right = PLOT_LEFT, page.width - (PLOT_RIGHT_2ND if second_axis else PLOT_RIGHT)
    named = [i for i, tr in enumerate(fig.data) if getattr(tr, "name", None) and tr.showlegend is not False]
    rows = legend_rows([fig.data[i].name for i in named], right - left)
    legend_h = LEGEND_ROW * len(rows) + 8 if named else 0
    plot = page.box(left, top + 8, right, bottom - 28 - legend_h)
    start, first_id = len(page.data), page.counters["legend"] + 1
    legend = {"orientation": "h", "x": plot.x0, "xanchor": "left", "y": 0.0, "yanchor": "bottom",
              "font": {"size": 12, "color": MUTED}, "bgcolor": "rgba(0,0,0,0)"}
    embed(page, fig, plot, legend=legend if named else None)
    if named:
        place_legend_rows(page, start, named, rows, first_id, legend, bottom)


def with_text_chunks(png: bytes, lines: dict[str, str]) -> bytes:
    """PNG bytes with an iTXt (UTF-8) chunk per line, right after the header chunk."""
    ihdr_end = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, 13 data bytes, CRC
    chunks = b""
    for key, value in lines.items():
        body = key.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + value.encode("utf-8")
        chunks += struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    return png[:ihdr_end] + chunks + png[ihdr_end:]


def card_png(fig: go.Figure, facts: CardFacts, width: int = 1200, height: int = 480, scale: float = 2.0,
             renderer: Renderer | None = None) -> bytes:
    page = card_figure(fig, facts, width, height)
    png = (renderer or shared_renderer()).png(page, width, height + HEADER + FOOTER, scale)
    return with_text_chunks(png, facts.lines())


def card_png_later(fig: go.Figure, db: Path, lang: str, width: int = 1200, height: int = 480, scale: float = 2.0,
                   **facts: Any) -> Callable[[], bytes]:
    """A zero-argument callable for st.download_button(data=...): on click, read the card's facts
    and render the card (nothing is read or drawn for a chart nobody downloads)."""
    spec = fig.to_dict()  # a plain copy (4 ms for a p-chart); the Figure is rebuilt only on click (16 ms)

    def render() -> bytes:
        snapshot = go.Figure(spec)
        return card_png(snapshot, card_facts(db, snapshot, lang, **facts), width, height, scale)

    return render
