"""One real `pulse serve` per test module on a free local port, and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench import synthetic
from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings
from tests.loopback import free_port
from tests.processes import group_alive, stop_group  # noqa: F401 - re-exported to the e2e tests

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CASES = PROJECT_ROOT / "tests" / "cases" / "dashboard"


def wait_healthy(url: str, process: subprocess.Popen, log: Path, limit_s: float = 90) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pulse serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"pulse serve did not become healthy:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base_url, settings): the reference subset and simulated plant KPIs, served by `pulse serve`."""
    root = tmp_path_factory.mktemp("serve")
    inbox = root / "inbox"
    inbox.mkdir()
    settings = load_settings(db=root / "wh" / "pulse.duckdb", inbox=inbox, quarantine=root / "quarantine")
    shutil.copy(CASES / "reference_subset.csv", inbox / "reference_subset.csv")
    run_load(settings)
    synthetic.build(settings.db, settings.catalog, plant_days=30)
    port = free_port()
    log = root / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    # the served app's uploads and loads use the test's folders, never the repository's data/inbox
    env |= {"PULSE_INBOX": str(settings.inbox), "PULSE_QUARANTINE": str(settings.quarantine)}
    pulse = Path(sys.executable).with_name("pulse")
    with log.open("w") as out:
        # its own session: `pulse serve` starts Streamlit as a child, and both must stop with the fixture
        process = subprocess.Popen([str(pulse), "serve", "--port", str(port), "--db", str(settings.db)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, log)
        yield base, settings
    finally:
        stop_group(process)
        assert not group_alive(process.pid), f"a process of `pulse serve` (group {process.pid}) survived"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
