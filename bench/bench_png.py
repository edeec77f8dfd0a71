"""A chart's PNG download, before (the bare plot; the first click starts Chromium) and after (a card
with title, sources, as-of and version, on the renderer warmed when the page first drew a chart).
All times from one run, with one baseline: a warm render of a one-point figure of the same size.

usage: uv run python -m bench png      (or: uv run python bench/bench_png.py)
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go

from bench import synthetic
from dashboard import charts, plant_charts
from dashboard.briefing.card import card_facts, card_png, card_png_later
from dashboard.briefing.export import Renderer
from etl.pipeline import run_load
from etl.read import query
from etl.settings import PROJECT_ROOT, load_settings

WIDTH, HEIGHT, SCALE = 1200, 480, 2  # what dashboard.ui.chart asks for
SERIES = ("nf10_output", "copper_spot_price_avg")


def median_s(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def warehouse(base: Path) -> Path:
    """The bundled reference history plus 30 days of synthetic plant KPIs."""
    inbox = base / "inbox"
    shutil.copytree(PROJECT_ROOT / "data" / "inbox" / "reference", inbox / "reference")
    settings = load_settings(db=base / "w" / "pulse.duckdb", inbox=inbox, quarantine=base / "q")
    run_load(settings)
    synthetic.build(settings.db, settings.catalog, plant_days=30)
    return settings.db


def figures(db: Path) -> dict[str, tuple[go.Figure, dict]]:
    frame = query(db, "SELECT series_id, name_zh AS label, period_start, period_end, display_value AS value, "
                      "display_unit AS unit FROM v_observations WHERE series_id IN (SELECT unnest($ids)) "
                      "ORDER BY series_id, period_end", {"ids": list(SERIES)})
    pchart = query(db, "SELECT * FROM v_weld_yield_chart WHERE robot IS NULL ORDER BY day")
    return {
        "Explore, two series": (charts.series_chart(frame, "zh"), {"series": SERIES}),
        "Plant p-chart": (plant_charts.pchart(pchart, "zh", 99.9, title="焊接一次合格率"),
                          {"views": ("v_weld_yield_chart",), "simulated": True}),
    }


def main(repeat: int = 5, cold_repeat: int = 2) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        db = warehouse(Path(tmp))
        figs = figures(db)
        cold_fig = next(iter(figs.values()))[0]

        def first_click_before() -> None:  # a fresh server: the click starts Chromium, then renders
            r = Renderer()
            try:
                r.png(cold_fig, WIDTH, HEIGHT, SCALE)
            finally:
                r.close()

        cold = median_s(first_click_before, cold_repeat)
        renderer = Renderer()
        try:
            trivial = go.Figure(go.Scatter(x=[0], y=[0]))
            renderer.png(trivial, WIDTH, HEIGHT, SCALE)
            baseline = median_s(lambda: renderer.png(trivial, WIDTH, HEIGHT, SCALE), repeat)
            rows = []
            for name, (fig, kwargs) in figs.items():
                bare = median_s(lambda f=fig: renderer.png(f, WIDTH, HEIGHT, SCALE), repeat)
                facts = median_s(lambda f=fig, k=kwargs: card_facts(db, f, "zh", **k), repeat)
                card = median_s(lambda f=fig, k=kwargs: card_png(f, card_facts(db, f, "zh", **k), WIDTH, HEIGHT,
                                                                 SCALE, renderer=renderer), repeat)
                offer_before = median_s(lambda f=fig: go.Figure(f.to_dict()), repeat * 4)  # figure_png_later's snapshot
                offer_after = median_s(lambda f=fig, k=kwargs: card_png_later(f, db, "zh", **k), repeat * 4)
                rows.append((name, bare, facts, card, offer_before, offer_after))
        finally:
            renderer.close()
    lines = [
        "## Chart PNG download (`bench/bench_png.py`)\n",
        f"One run; medians of {repeat} (cold: {cold_repeat}). Baseline: a warm render of a one-point figure at "
        f"the download's size ({WIDTH}×{HEIGHT} layout px, scale {SCALE}) = **{baseline:.3f} s**.\n",
        "| what the click costs | time | × baseline |",
        "| --- | --- | --- |",
        f"| before: first click in a fresh server (Chromium starts, bare plot) | {cold:.2f} s | {cold / baseline:.1f}× |",
    ]
    for name, bare, facts, card, offer_before, offer_after in rows:
        lines += [
            f"| page cost of offering the download, {name}: before (Figure snapshot) / after (dict snapshot) | "
            f"{offer_before * 1000:.1f} ms / {offer_after * 1000:.1f} ms | {offer_after / offer_before:.2f}× before |",
            f"| before: {name}, bare plot, warm | {bare:.3f} s | {bare / baseline:.2f}× |",
            f"| after: {name}, card (facts {facts:.3f} s + compose + render), renderer warmed with the page | "
            f"{card:.3f} s | {card / baseline:.2f}× |",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
