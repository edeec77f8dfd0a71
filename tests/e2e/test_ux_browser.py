"""What only a browser shows (issue 16): cut card titles and units, language switch mid-session.
Screenshots at 1280 and 1400 px in zh and en go to $PULSE_TEST_ARTIFACTS when set (CI keeps that
folder), else <pytest basetemp>/artifacts (pytest keeps the last three runs); never the repository.
The path is printed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dashboard_browser import assert_no_error, open_page

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)

# Every element inside a metric's label or value whose content is wider than its box (cut or "…").
CUT_TEXT = """() => [...document.querySelectorAll(
    '[data-testid=stMetricLabel], [data-testid=stMetricLabel] *, [data-testid=stMetricValue], [data-testid=stMetricValue] *')]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
  .map(el => el.closest('[data-testid=stMetric]').innerText.replace(/\\n/g, ' | '))"""


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    wanted = os.environ.get("PULSE_TEST_ARTIFACTS")
    folder = Path(wanted) if wanted else tmp_path_factory.getbasetemp() / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [1280, 1400])
def test_overview_cards_show_whole_titles_and_units(server, page: Page, artifacts, width, lang):
    base, _ = server
    page.set_viewport_size({"width": width, "height": 1000})
    open_page(page, f"{base}/?lang={lang}")
    expect(page.locator("[data-testid=stMetric]").first).to_be_visible()
    page.wait_for_timeout(500)  # let the columns settle into their final width (layout, not speed)
    page.screenshot(path=artifacts / f"overview-{lang}-{width}.png", full_page=True)
    assert page.evaluate(CUT_TEXT) == []
    assert_no_error(page)


@pytest.mark.parametrize("width", [1280, 1400])
def test_explore_and_plant_screenshots(server, page: Page, artifacts, width):
    base, _ = server
    page.set_viewport_size({"width": width, "height": 1000})
    for lang in ("zh", "en"):
        open_page(page, f"{base}/explore?s=nf10_output_ytd,nf10_output&lang={lang}")
        expect(page.locator("[data-testid=stPlotlyChart] .main-svg").first).to_be_visible()
        page.screenshot(path=artifacts / f"explore-{lang}-{width}.png", full_page=True)
        open_page(page, f"{base}/plant?lang={lang}")
        expect(page.locator("[data-testid=stPlotlyChart] .main-svg").first).to_be_visible()
        page.screenshot(path=artifacts / f"plant-{lang}-{width}.png", full_page=True)
        assert_no_error(page)


def test_language_switch_mid_session_keeps_the_transform_and_relabels_series(server, page: Page):
    base, _ = server
    open_page(page, f"{base}/explore?s=nf10_output_ytd&t=single")
    expect(page.get_by_role("radio", name="累计值拆分为单期")).to_be_checked()
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Explore series")).to_be_visible()
    expect(page.get_by_role("radio", name="Cumulative → single period")).to_be_checked()
    chosen = page.locator("[data-testid=stMultiSelect]").nth(0)
    expect(chosen).to_contain_text("Output of ten common nonferrous metals, year-to-date cumulative")
    expect(chosen).not_to_contain_text("十种")
    assert_no_error(page)
