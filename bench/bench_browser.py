"""Browser time: from navigation to a page's main content, in Debian's Chromium (Playwright),
against a real `pulse serve`, beside a trivial Streamlit page (one metric, one Plotly chart)
served the same way in the same run. Cold = the first visit after the server started (empty
caches, a new browser context); warm = later visits (server caches filled, new context each).
Medians of 3. Data: the bundled reference history plus 92 days of simulated plant data.
Also counted, per page: bytes of figure JSON and the number of elements the script sends
(an AppTest run of the same page).

    uv run python -m bench browser
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import synthetic
from dashboard.commands.serve import serve_env, streamlit_command
from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RUNS = 3
CHART = "[data-testid=stPlotlyChart] .main-svg"
METRIC = "[data-testid=stMetric]"
# page -> (path and query, what "main content" is: a selector that must be visible)
PAGES = {
    "trivial": ("/", [METRIC, CHART]),
    "overview": ("/", [METRIC]),
    "explore (2 series)": ("/explore?s=nf10_output,copper_spot_price_avg", [CHART]),
    "plant": ("/plant", [CHART]),
}
TRIVIAL_APP = """import plotly.graph_objects as go
import streamlit as st
st.metric("Output", "8,175.0 万吨", delta="+3.9%")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(24)), y=[i * i for i in range(24)])))
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(command: list[str], env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [*command]
    command[command.index("--server.port") + 1] = str(port)
    with log.open("a") as out:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2):
                return process, base
        except OSError:
            time.sleep(0.2)
    _stop(process)
    raise RuntimeError("server did not become healthy")


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def _visit(browser, url: str, selectors: list[str]) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        start = time.perf_counter()
        page.goto(url)
        for selector in selectors:
            page.locator(selector).first.wait_for(state="visible")
        return time.perf_counter() - start
    finally:
        context.close()


def _measure(browser, command: list[str], env: dict[str, str], log: Path, pages: list[str]) -> dict:
    """{page: (cold median, warm median)}: each cold visit on a freshly started server."""
    cold: dict[str, list[float]] = {p: [] for p in pages}
    warm: dict[str, list[float]] = {p: [] for p in pages}
    for _ in range(RUNS):
        process, base = _start(command, env, log)
        try:
            for name in pages:
                path, selectors = PAGES[name]
                cold[name].append(_visit(browser, base + path, selectors))
            for name in pages:
                path, selectors = PAGES[name]
                warm[name].append(_visit(browser, base + path, selectors))
        finally:
            _stop(process)
    return {p: (statistics.median(cold[p]), statistics.median(warm[p])) for p in pages}


def _count(node) -> int:
    children = getattr(node, "children", None) or {}
    return 1 + sum(_count(c) for c in children.values())


def _payload(settings) -> dict[str, tuple[int, int, int]]:
    """page -> (figure JSON bytes, charts, elements) of one AppTest run."""
    from streamlit.testing.v1 import AppTest

    os.environ["PULSE_DB"] = str(settings.db)
    out = {}
    for name, page, params in (("overview", None, {}), ("explore (2 series)", "screens/explore.py",
                                                        {"s": "nf10_output,copper_spot_price_avg"}),
                               ("plant", "screens/plant.py", {})):
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=300)
        if page:
            at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        charts = at.get("plotly_chart")
        size = sum(len(json.dumps(json.loads(c.proto.spec), separators=(",", ":"))) for c in charts)
        elements = _count(at.main)
        out[name] = (size, len(charts), elements)
    return out


def main() -> str:
    if not CHROMIUM.exists():
        return "## Browser time (`bench/bench_browser.py`)\n\nSkipped: Debian's chromium is not installed.\n"
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="pulse-bench-browser-"))
    try:
        inbox = root / "inbox"
        inbox.mkdir()
        settings = load_settings(db=root / "wh" / "pulse.duckdb", inbox=inbox, quarantine=root / "quarantine")
        shutil.copy(PROJECT_ROOT / "data" / "inbox" / "reference" / "reference_history.csv", inbox)
        run_load(settings)
        synthetic.build(settings.db, settings.catalog, plant_days=92)
        env = {k: v for k, v in serve_env(settings).items() if k != "PULSE_QUARANTINE"}
        pulse_cmd = streamlit_command(settings)
        trivial = root / "trivial.py"
        trivial.write_text(TRIVIAL_APP)
        trivial_cmd = [*pulse_cmd]
        trivial_cmd[4] = str(trivial)  # python -m streamlit run APP ...: the same server flags
        log = root / "serve.log"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                base = _measure(browser, trivial_cmd, env, log, ["trivial"])["trivial"]
                pages = _measure(browser, pulse_cmd, env, log, [n for n in PAGES if n != "trivial"])
            finally:
                browser.close()
        payload = _payload(settings)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    lines = ["## Browser time (`bench/bench_browser.py`)", "",
             f"Navigation to main content in Chromium, medians of {RUNS}; bundled reference history + 92 "
             "plant days. Baseline: a trivial Streamlit page (one metric, one Plotly chart) served the same way.",
             "", "| page | cold s | warm s | cold ratio | warm ratio | figure JSON | charts | elements |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |",
             f"| trivial page (baseline) | {base[0]:.2f} | {base[1]:.2f} | 1.0 | 1.0 | — | 1 | 2 |"]
    for name, (cold, warm) in pages.items():
        size, charts, elements = payload.get(name, (0, 0, 0))
        lines.append(f"| {name} | {cold:.2f} | {warm:.2f} | {cold / base[0]:.2f} | {warm / base[1]:.2f} | "
                     f"{size / 1024:,.0f} KB | {charts} | {elements} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(main())
