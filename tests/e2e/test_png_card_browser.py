"""A chart's PNG download from a real `pulse serve` is a card, not the bare plot (issue 16): its
height is the chart's plus the card's header and footer, and it carries the card's words (title,
source, as-of, version, simulated mark) as PNG text chunks, in the page's language."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from dashboard.briefing.card import FOOTER, HEADER
from etl.read import query
from tests.e2e.test_dashboard_browser import assert_no_error, open_page

pytestmark = pytest.mark.browser
CHART = "[data-testid=stPlotlyChart] .main-svg"


def download_png(page: Page, artifacts_name: str, tmp_path) -> tuple[Image.Image, float]:
    """Click the first chart's PNG button; the PNG and the drawn chart's height in CSS px."""
    expect(page.locator(CHART).first).to_be_visible()
    chart_h = page.locator(CHART).first.bounding_box()["height"]
    button = page.locator("[data-testid=stDownloadButton] button").filter(has_text="PNG").first
    with page.expect_download(timeout=180_000) as download:
        button.click()
    path = tmp_path / artifacts_name
    download.value.save_as(path)
    return Image.open(io.BytesIO(path.read_bytes())), chart_h


def test_explore_png_is_a_card_with_source_and_as_of(server, page: Page, tmp_path) -> None:
    base, settings = server
    open_page(page, f"{base}/explore?s=nf10_output&lang=zh")
    img, chart_h = download_png(page, "explore.png", tmp_path)
    assert img.size == (2400, round(2 * (chart_h + HEADER + FOOTER)))
    name, newest = query(settings.db, "SELECT any_value(name_zh), max(period_end) FROM v_observations "
                                      "WHERE series_id = 'nf10_output'").row(0)
    assert img.text["Title"] == name
    assert img.text["Data as of"] == f"{newest.year}年{newest.month}月{newest.day}日"
    assert img.text["Source"].startswith("来源:参考来源 ")
    assert img.text["Warehouse"].startswith("数据仓库 v")
    assert "Warning" not in img.text
    assert_no_error(page)


def test_plant_png_is_a_card_marked_simulated_in_english(server, page: Page, tmp_path) -> None:
    base, settings = server
    open_page(page, f"{base}/plant?lang=en")
    img, chart_h = download_png(page, "plant.png", tmp_path)
    assert img.size == (2400, round(2 * (chart_h + HEADER + FOOTER)))
    newest = query(settings.db, "SELECT max(day) FROM v_weld_yield_chart").item()
    assert img.text["Data as of"] == newest.isoformat()
    assert img.text["Warning"] == "SIMULATED DATA · demo only"
    assert img.text["Source"].startswith("Sources: ") and "plant log" in img.text["Source"]
    assert_no_error(page)
