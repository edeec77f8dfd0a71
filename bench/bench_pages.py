"""Server-side time to build each dashboard page, and bytes per chart.

Pages run through Streamlit's AppTest (the same script execution a browser session triggers,
without the network), cold (empty caches: the first visitor after a publish) and warm (a rerun).
Times are reported beside a baseline measured in the same run: an AppTest of a one-line page.
Sizes: the JSON each chart sends to the browser (dashboard.charts.figure_bytes).

    uv run python -m bench pages

Explore shows two series (an output and a price: two units, two axes) at both sizes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from bench import synthetic
from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
PAGES = {"overview": None, "explore": "screens/explore.py", "plant": "screens/plant.py", "sources": "screens/sources.py"}


def _apptest(page: str | None, **params: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if page:
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _baseline() -> float:
    from streamlit.testing.v1 import AppTest

    runs = []
    for _ in range(5):
        at = AppTest.from_string("import streamlit as st\nst.write('baseline')")
        start = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _time_page(page: str | None, params: dict[str, str]) -> tuple[float, float]:
    """(cold, warm) medians of 3: cold = a new session with every cache cleared (the first visitor
    after a publish), warm = a rerun of that session."""
    import streamlit as st

    cold_runs, warm_runs = [], []
    for _ in range(3):
        st.cache_data.clear()
        at = _apptest(page, **params)
        start = time.perf_counter()
        at.run()
        cold_runs.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        start = time.perf_counter()
        at.run()
        warm_runs.append(time.perf_counter() - start)
    return statistics.median(cold_runs), statistics.median(warm_runs)


def _warm_imports(db: Path) -> None:
    """Run every page once: a serving process has imported its modules (pandas, which Streamlit
    loads at the first table, costs 3 s on this machine) before any visitor counts as cold."""
    os.environ["PULSE_DB"] = str(db)
    for page in PAGES.values():
        _apptest(page).run()


def _pages(db: Path, explore_ids: str) -> dict[str, tuple[float, float]]:
    os.environ["PULSE_DB"] = str(db)
    _warm_imports(db)
    out = {}
    for name, page in PAGES.items():
        params = {"s": explore_ids} if name == "explore" else {}
        out[name] = _time_page(page, params)
    return out


def _chart_bytes() -> list[tuple[str, int, int]]:
    from dashboard import charts

    def series(n: int, sid: str = "s") -> pl.DataFrame:
        ends = [date(1900, 1, 1) + timedelta(days=i) for i in range(n)]
        return pl.DataFrame({"series_id": sid, "label": sid, "period_start": ends, "period_end": ends,
                             "value": np.random.default_rng(1).normal(0, 1, n).cumsum(), "unit": "万吨",
                             "document": "synthetic.csv", "quote": "合成数据 synthetic"})

    rows = []
    for label, frame in (("1 series x 180 months", series(180)),
                         ("5 series x 180 months", pl.concat([series(180, f"s{i}") for i in range(5)])),
                         ("1 series x 100,000 points", series(100_000)),
                         ("3 series x 1,000,000 points", pl.concat([series(1_000_000, f"s{i}") for i in range(3)]))):
        fig = charts.series_chart(frame)
        rows.append((label, max(len(tr.x) for tr in fig.data), charts.figure_bytes(fig)))
    return rows


def main() -> str:
    baseline = _baseline()
    with tempfile.TemporaryDirectory(prefix="pulse-bench-pages-") as tmp:
        root = Path(tmp)
        small = load_settings(db=root / "small" / "pulse.duckdb", inbox=root / "inbox", quarantine=root / "q")
        shutil.copytree(PROJECT_ROOT / "data" / "inbox", small.inbox, ignore=shutil.ignore_patterns("plant"))
        run_load(small)
        synthetic.build(small.db, small.catalog, plant_days=92)
        bundled = _pages(small.db, "nf10_output,copper_spot_price_avg")
        big = root / "big" / "pulse.duckdb"
        start = time.perf_counter()
        synthetic.build(big, small.catalog, n_series=1000, years=15, plant_days=365)
        build_s = time.perf_counter() - start
        large = _pages(big, "syn_output_0000,syn_price_0001")
    lines = [
        "## Dashboard pages (bench/bench_pages.py)",
        "",
        f"Baseline (AppTest of a one-line page, same run): {baseline * 1000:.0f} ms. Bundled: the reference "
        f"history + 92 plant days. Large: 1,000 series x 15 years monthly (180,000 observations) + 365 days "
        f"of plant data (built in {build_s:.0f} s). Medians of 3; imports warmed first.",
        "",
        "| page | bundled cold | bundled warm | large cold | large warm | large cold / baseline | large warm / baseline |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in PAGES:
        (bc, bw), (lc, lw) = bundled[name], large[name]
        lines.append(f"| {name} | {bc * 1000:.0f} ms | {bw * 1000:.0f} ms | {lc * 1000:.0f} ms | "
                     f"{lw * 1000:.0f} ms | {lc / baseline:.1f}x | {lw / baseline:.1f}x |")
    lines += ["", "| chart | points per trace sent | bytes sent |", "|---|---|---|"]
    for label, points, size in _chart_bytes():
        lines.append(f"| {label} | {points:,} | {size:,} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
