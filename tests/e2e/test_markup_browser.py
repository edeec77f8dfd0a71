"""No markup from data, in a real Chromium: a warehouse full of hostile names (robot, line,
defect, series; the loader refuses markup in plant names), a bulletin title and quote, and a SQL link carrying a hostile alias; every page is
visited and no dialog fires, no link to the attacker's URL and no <b>/<img> from data exists."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from dashboard.i18n import t
from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings
from tests.e2e.conftest import group_alive, stop_group, wait_healthy
from tests.loopback import free_port

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
CASES = PROJECT_ROOT / "tests" / "cases"
LINK = "<b>R</b><a href=https://evil.example/x>x</a>"
# Plotly draws <a href> as an SVG <a xlink:href> and <b> as a bold <tspan>; Streamlit markdown as HTML
EVIL = "a[href*='evil.example'], a[*|href*='evil.example']"
CHART = "[data-testid=stPlotlyChart] .main-svg"
FROM_DATA = ("b:text-is('R'), b:text-is('L'), img[src='x'], "
             "tspan[style*='bold']:text-is('R'), tspan[style*='bold']:text-is('L')")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("markup")
    inbox = root / "inbox"
    (inbox / "plant").mkdir(parents=True)
    catalog = root / "catalog.toml"
    text = (PROJECT_ROOT / "data" / "catalog.toml").read_text(encoding="utf-8")
    catalog.write_text(text.replace('name_zh = "十种常用有色金属产量"\n', f'name_zh = "{LINK}"\n', 1), encoding="utf-8")
    settings = load_settings(db=root / "wh" / "pulse.duckdb", inbox=inbox, quarantine=root / "q", catalog=catalog)
    shutil.copy(CASES / "dashboard" / "reference_subset.csv", inbox)
    shutil.copy(CASES / "plant" / "markup_in_robot_line_and_defect_names.csv", inbox / "plant")
    shutil.copy(CASES / "bulletin" / "markup_in_title_and_quote.txt", inbox)
    assert run_load(settings).exit_code == 0
    port, log = free_port(), root / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(PULSE_CATALOG=str(catalog), PULSE_QUARANTINE=str(settings.quarantine))
    with log.open("w") as out:
        process = subprocess.Popen([str(Path(sys.executable).with_name("pulse")), "serve", "--port", str(port),
                                    "--db", str(settings.db)], stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=PROJECT_ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, log)
        yield base
    finally:
        stop_group(process)
        assert not group_alive(process.pid)


def visit(page: Page, url: str, dialogs: list[str], charts: int = 0) -> None:
    page.goto(url)
    expect(page.locator("[data-testid=stApp]")).to_be_visible()
    page.wait_for_selector("[data-testid=stSidebarNav]")
    if charts:  # the pages with charts: wait until they are drawn, so the checks see them
        for i in range(charts):
            expect(page.locator("[data-testid=stPlotlyChart]").nth(i).locator(".main-svg").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    check(page, dialogs, url)


def check(page: Page, dialogs: list[str], url: str) -> None:
    for chart in page.locator(CHART).all()[:4]:  # hover labels render too
        chart.hover(force=True)
    assert dialogs == [], url
    assert [a.evaluate("e => e.parentElement.outerHTML.slice(0, 300)") for a in page.locator(EVIL).all()] == [], url
    assert page.locator(FROM_DATA).count() == 0, url
    assert page.locator("[data-testid=stException]").count() == 0, url


def test_no_page_renders_markup_from_data(hostile_server, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path, charts in (("", 0), ("explore?s=nf10_output", 1), ("plant", 1), ("sources", 0)):
        visit(page, f"{hostile_server}/{path}", dialogs, charts)
        if path == "plant":
            assert "<b>L</b>" in page.inner_text("body")  # the line name is shown, as text


def test_a_sql_link_with_a_hostile_alias_shows_it_as_text(hostile_server, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sql = f'SELECT range AS n, range * 2 AS "{LINK}" FROM range(5)'
    visit(page, f"{hostile_server}/sql?q={quote(sql)}", dialogs)
    page.get_by_role("button", name=t("sql_run", "zh"), exact=True).click()
    expect(page.locator("[data-testid=stDataFrame]").first).to_be_visible()
    page.get_by_text(t("sql_quick_chart", "zh"), exact=True).click()
    expect(page.locator("[data-testid=stPlotlyChart] .main-svg").first).to_be_visible()
    check(page, dialogs, "sql result")
    assert page.locator("[data-testid=stPlotlyChart]").get_by_text(LINK).count() > 0  # the legend, as text
