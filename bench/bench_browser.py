"""Browser time: from navigation to a page's main content, in Debian's Chromium (Playwright),
against a real `pulse serve`, beside a trivial Streamlit page (one metric, one Plotly chart)
served the same way in the same run.

Two sizes: *bundled* (the bundled reference history + 92 days of simulated plant data) and
*large* (1,000 monthly series x 15 years + 365 days of plant data, bench/synthetic.py).
Cold = the first visit after the server started (empty caches, a new browser context); warm = a
later visit (server caches filled, new context). Each of the RUNS rounds starts the trivial server
and then the Pulse server afresh, so every ratio is page / trivial of the same round; the table
gives the median ratio and the spread (min–max) over the rounds.

What each page sends is counted on the websocket of one warm visit, after the script finished:
bytes of Streamlit's forward messages by element type (plotly_chart = figure JSON), and the
number of DOM elements the browser then holds.

    uv run python -m bench browser              # both sizes
    PULSE_BENCH_BROWSER_SIZES=bundled uv run python -m bench browser
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from bench import synthetic
from dashboard.commands.serve import serve_env, streamlit_command
from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RUNS = int(os.environ.get("PULSE_BENCH_BROWSER_RUNS", "3"))
CHART = "[data-testid=stPlotlyChart] .main-svg"
METRIC = "[data-testid=stMetric]"
RUNNING = "[data-testid=stStatusWidget]"  # shown while the script runs
EXPLORE = {"bundled": "nf10_output,copper_spot_price_avg", "large": "syn_output_0000,syn_price_0001"}
TRIVIAL_APP = """import plotly.graph_objects as go
import streamlit as st
st.metric("Output", "8,175.0 万吨", delta="+3.9%")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(24)), y=[i * i for i in range(24)])))
"""


def pages(size: str) -> dict[str, tuple[str, list[str]]]:
    """page -> (path and query, what "main content" is: selectors that must be visible)."""
    return {"overview": ("/", [METRIC]),
            "explore (2 series)": (f"/explore?s={EXPLORE[size]}", [CHART]),
            "plant": ("/plant", [CHART])}


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
    deadline = time.monotonic() + 120
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
        process.wait(timeout=15)


def _context_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(180_000)
    return context, page


def _visit(browser, url: str, selectors: list[str]) -> float:
    context, page = _context_page(browser)
    try:
        start = time.perf_counter()
        page.goto(url)
        for selector in selectors:
            page.locator(selector).first.wait_for(state="visible")
        return time.perf_counter() - start
    finally:
        context.close()


def _element_type(payload: bytes) -> str:
    """The kind of one forward message: the element type of a delta, else the message field."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg.FromString(payload)
    kind = msg.WhichOneof("type") or "other"
    if kind == "delta":
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "new_element":
            return delta.new_element.WhichOneof("type") or "element"
        return which or "delta"
    return kind


def _sent(browser, url: str, selectors: list[str]) -> tuple[Counter, Counter, int]:
    """(bytes per message kind, messages per kind, DOM elements) of one visit, counted once the
    script has finished."""
    sizes: Counter = Counter()
    counts: Counter = Counter()

    def on_socket(ws) -> None:
        def frame(payload) -> None:
            data = payload if isinstance(payload, bytes) else payload.encode()
            try:
                kind = _element_type(data)
            except Exception:  # not a forward message (never expected): count it apart
                kind = "unparsed"
            sizes[kind] += len(data)
            counts[kind] += 1
        ws.on("framereceived", frame)

    context, page = _context_page(browser)
    try:
        page.on("websocket", on_socket)
        page.goto(url)
        for selector in selectors:
            page.locator(selector).first.wait_for(state="visible")
        page.wait_for_timeout(500)
        page.locator(RUNNING).wait_for(state="hidden")
        page.wait_for_timeout(1000)
        return sizes, counts, page.evaluate("document.querySelectorAll('*').length")
    finally:
        context.close()


def _round(browser, command: list[str], env: dict[str, str], log: Path,
           targets: dict[str, tuple[str, list[str]]]) -> dict[str, tuple[float, float]]:
    """{page: (cold, warm)} on one freshly started server."""
    process, base = _start(command, env, log)
    try:
        cold = {name: _visit(browser, base + path, sel) for name, (path, sel) in targets.items()}
        warm = {name: _visit(browser, base + path, sel) for name, (path, sel) in targets.items()}
        return {name: (cold[name], warm[name]) for name in targets}
    finally:
        _stop(process)


def _payloads(browser, command, env, log, targets) -> dict[str, tuple[Counter, Counter, int]]:
    process, base = _start(command, env, log)
    try:
        for path, sel in targets.values():  # fill the caches first: count a warm visit
            _visit(browser, base + path, sel)
        return {name: _sent(browser, base + path, sel) for name, (path, sel) in targets.items()}
    finally:
        _stop(process)


def measure_size(browser, size: str, settings, root: Path) -> dict:
    env = {k: v for k, v in serve_env(settings).items() if k != "PULSE_QUARANTINE"}
    pulse_cmd = streamlit_command(settings)
    trivial = root / "trivial.py"
    trivial.write_text(TRIVIAL_APP)
    trivial_cmd = [*pulse_cmd]
    trivial_cmd[4] = str(trivial)  # python -m streamlit run APP ...: the same server flags
    log = root / f"serve-{size}.log"
    targets = pages(size)
    trivial_target = {"trivial": ("/", [METRIC, CHART])}
    rounds = []
    for _ in range(RUNS):
        base = _round(browser, trivial_cmd, env, log, trivial_target)["trivial"]
        rounds.append((base, _round(browser, pulse_cmd, env, log, targets)))
    sent = _payloads(browser, pulse_cmd, env, log, targets)
    sent["trivial"] = _payloads(browser, trivial_cmd, env, log, trivial_target)["trivial"]
    return {"rounds": rounds, "sent": sent}


def _build(size: str, root: Path):
    inbox = root / size / "inbox"
    inbox.mkdir(parents=True)
    settings = load_settings(db=root / size / "wh" / "pulse.duckdb", inbox=inbox, quarantine=root / size / "q")
    if size == "bundled":
        shutil.copy(PROJECT_ROOT / "data" / "inbox" / "reference" / "reference_history.csv", inbox)
        run_load(settings)
        synthetic.build(settings.db, settings.catalog, plant_days=92)
    else:
        synthetic.build(settings.db, settings.catalog, n_series=1000, years=15, plant_days=365)
    return settings


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f}" if n >= 1024 else f"{n / 1024:.1f}"


def report(size: str, result: dict) -> list[str]:
    rounds, sent = result["rounds"], result["sent"]
    base_cold = [b[0] for b, _ in rounds]
    base_warm = [b[1] for b, _ in rounds]
    lines = [f"### {size}: {'bundled reference history + 92 plant days' if size == 'bundled' else '1,000 series x 15 years + 365 plant days'}",
             "", f"Trivial page this run: cold {_spread(base_cold)} s, warm {_spread(base_warm)} s "
             f"(median and range of {len(rounds)} rounds).", "",
             "| page | cold s | warm s | cold ratio | warm ratio | sent KB | figure JSON KB | charts | DOM elements |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    triv, _, triv_dom = sent["trivial"]
    lines.append(f"| trivial page (baseline) | {statistics.median(base_cold):.2f} | {statistics.median(base_warm):.2f} "
                 f"| 1.0 | 1.0 | {_kb(sum(triv.values()))} | {_kb(triv['plotly_chart'])} | 1 | {triv_dom} |")
    for name in rounds[0][1]:
        cold = [r[name][0] for _, r in rounds]
        warm = [r[name][1] for _, r in rounds]
        cold_ratio = [r[name][0] / b[0] for b, r in rounds]
        warm_ratio = [r[name][1] / b[1] for b, r in rounds]
        sizes, counts, dom = sent[name]
        lines.append(f"| {name} | {statistics.median(cold):.2f} | {statistics.median(warm):.2f} | "
                     f"{_spread(cold_ratio)} | {_spread(warm_ratio)} | {_kb(sum(sizes.values()))} | "
                     f"{_kb(sizes['plotly_chart'])} | {counts['plotly_chart']} | {dom} |")
    lines += ["", "Bytes sent per page by message kind (KB, one warm visit):", ""]
    for name, (sizes, _, _) in sent.items():
        top = ", ".join(f"{kind} {_kb(n)}" for kind, n in sizes.most_common(6))
        lines.append(f"- {name}: {top}")
    return lines


def main() -> str:
    if not CHROMIUM.exists():
        return "## Browser time (`bench/bench_browser.py`)\n\nSkipped: Debian's chromium is not installed.\n"
    from playwright.sync_api import sync_playwright

    sizes = os.environ.get("PULSE_BENCH_BROWSER_SIZES", "bundled,large").split(",")
    root = Path(tempfile.mkdtemp(prefix="pulse-bench-browser-"))
    lines = ["## Browser time (`bench/bench_browser.py`)", "",
             f"Navigation to main content in Chromium; ratio = page / trivial page of the same round, "
             f"median (min–max) of {RUNS} rounds.", ""]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for size in sizes:
                    start = time.perf_counter()
                    settings = _build(size, root)
                    built = time.perf_counter() - start
                    lines += report(size, measure_size(browser, size, settings, root))
                    lines += ["", f"(warehouse built in {built:.0f} s)", ""]
                    print("\n".join(lines), file=sys.stderr, flush=True)  # partial results as they come
            finally:
                browser.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(main())
