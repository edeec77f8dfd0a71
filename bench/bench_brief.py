"""Benchmark: a six-panel briefing vs kaleido exporting the same six figures in one batch, and a warm
export of one dashboard chart. One browser for everything; all numbers from one run.

usage: uv run python bench/bench_brief.py [--db PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dashboard import charts
from dashboard.briefing import build, load_template, render
from dashboard.briefing.compose import grid
from dashboard.briefing.export import Renderer
from dashboard.briefing.panels import chart_panel
from etl.read import query
from etl.settings import load_settings


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = load_settings(db=args.db).db
    tpl = load_template("monthly_industry")
    start = time.perf_counter()
    renderer = Renderer()
    renderer.png(charts.sparkline(query(db, "SELECT 1 AS value, current_date AS period_end")), 100, 50)
    cold = time.perf_counter() - start

    # The same six chart figures the briefing draws, each at its card's size and the template's scale.
    _, gathered = build(db, tpl)
    cells, _ = grid(tpl.panels, tpl.width, tpl.columns, tpl.height)
    figs = []
    for cell in cells:
        if cell.panel.type != "chart":
            continue
        w, h = int(cell.right - cell.left), int(cell.bottom - cell.top)
        fig = chart_panel(cell.panel, gathered, tpl.lang, h).figure or charts.series_chart(query(db, "SELECT 1 WHERE false"))
        figs.append((fig, w, h))
    assert len(figs) == 6, len(figs)
    with tempfile.TemporaryDirectory() as tmp:
        batch = [(f, Path(tmp) / f"panel{i}.png", w, h, tpl.scale) for i, (f, w, h) in enumerate(figs)]
        baseline = timed(lambda: renderer.write_batch(batch), args.repeat)
    briefing = timed(lambda: render(db, tpl, renderer), args.repeat)

    frame = query(db, "SELECT series_id, name_zh AS label, period_start, period_end, display_value AS value, "
                      "display_unit AS unit FROM v_observations WHERE series_id = 'nf10_output' ORDER BY period_end")
    chart = charts.series_chart(frame, "zh", title="十种常用有色金属产量")
    warm = timed(lambda: renderer.png(chart, 1000, 420, 2), max(5, args.repeat))
    renderer.close()

    print(f"browser start (cold, first image): {cold:.2f} s")
    print(f"kaleido batch, six figures:        {baseline:.2f} s")
    print(f"six-panel briefing (gather+compose+export): {briefing:.2f} s  -> ratio {briefing / baseline:.2f} (target <= 1.5)")
    print(f"warm export of one chart:          {warm:.3f} s  (target < 1 s)")


if __name__ == "__main__":
    main()
