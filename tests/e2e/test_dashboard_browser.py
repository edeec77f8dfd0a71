"""The dashboard in a real headless Chromium against a real `pulse serve`."""

from __future__ import annotations

from urllib.parse import urlparse

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from etl.pipeline import run_load

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)  # waits for the page to settle, not assertions on speed
CHART = "[data-testid=stPlotlyChart] .main-svg"

PAGES = {"": "核心指标总览", "explore": "指标趋势", "plant": "工厂质量", "sources": "数据来源与加载"}


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("[data-testid=stApp]")).to_be_visible()
    page.wait_for_selector("[data-testid=stSidebarNav]")


def assert_no_error(page: Page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert "Traceback" not in page.inner_text("body")


def test_every_page_renders_with_a_chart(server, page):
    base, _ = server
    for path, title in PAGES.items():
        query = "?s=nf10_output,copper_spot_price_avg" if path == "explore" else ""
        open_page(page, f"{base}/{path}{query}")
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        if path in ("explore", "plant"):
            expect(page.locator(CHART).first).to_be_visible()
        if path == "":
            expect(page.locator("[data-testid=stMetric]").first).to_be_visible()
        if path == "plant":
            expect(page.get_by_text("模拟数据", exact=False).first).to_be_visible()
        assert_no_error(page)


def test_language_switch(server, page):
    base, _ = server
    open_page(page, f"{base}/")
    expect(page.get_by_role("heading", name="核心指标总览")).to_be_visible()
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Headline indicators")).to_be_visible()
    expect(page.locator("[data-testid=stSidebarNav]").get_by_text("Explore")).to_be_visible()
    assert_no_error(page)


def test_shared_explore_url_restores_the_view(server, page):
    base, _ = server
    open_page(page, f"{base}/explore?s=nf10_output,copper_spot_price_avg&t=yoy&span=A")
    expect(page.get_by_role("heading", name="指标趋势")).to_be_visible()
    chosen = page.locator("[data-testid=stMultiSelect]").nth(0)
    expect(chosen).to_contain_text("十种常用有色金属产量")
    expect(chosen).to_contain_text("国内铜现货均价")
    expect(page.get_by_role("radio", name="同比 %")).to_be_checked()
    expect(page.locator(CHART).first).to_be_visible()
    assert_no_error(page)


def test_a_load_while_the_page_is_open_shows_after_a_rerun(server, page):
    base, settings = server
    open_page(page, f"{base}/sources")
    version = page.locator("[data-testid=stMetric]").first
    expect(version).to_contain_text("数据仓库版本")
    before = int(version.inner_text().replace("数据仓库版本", "").strip())
    revised = pl.read_csv(settings.inbox / "reference_subset.csv").filter(pl.col("series_id") == "nf10_output")
    revised.with_columns(value=pl.col("value") + 1).write_csv(settings.inbox / "revised.csv")
    published = run_load(settings).published_version  # a writer while the page is open: no lock error
    assert published == before + 1
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()  # any interaction reruns
    expect(page.locator("[data-testid=stMetric]").first).to_contain_text(f"Warehouse version{published}")
    assert_no_error(page)


def test_no_page_fetches_anything_from_outside_the_server(server, page):
    """Plants run the dashboard on networks without internet: the icon, fonts and scripts are served
    by `pulse serve` itself (a favicon from a CDN was the one outside request)."""
    base, _ = server
    outside: set[str] = set()
    page.on("request", lambda r: outside.add(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
            and not r.url.startswith(("data:", "blob:", "about:")) else None)
    for path in (*PAGES, "sql"):
        open_page(page, f"{base}/{path}")
        expect(page.locator("[data-testid=stMain]")).to_be_visible()
        page.wait_for_load_state("networkidle")
    assert sorted(outside) == []
