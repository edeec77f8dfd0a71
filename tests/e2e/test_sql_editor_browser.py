"""The SQL page's editor in real Chromium: SQL highlighting, completion of the warehouse's table and
column names, Ctrl+Enter runs the query, and nothing is fetched from outside the server (offline)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dashboard_browser import assert_no_error, open_page
from tests.e2e.test_ux_browser import artifacts  # noqa: F401 - the screenshots folder fixture

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)


KEYWORD_AND_TEXT_COLOURS = """el => [getComputedStyle(el.querySelector('.ace_keyword')).color,
                                      getComputedStyle(el.querySelector('.ace_content')).color]"""


def editor_frame(page: Page):
    frame = page.frame_locator("iframe[title='code_editor.code_editor']")
    expect(frame.locator(".ace_editor")).to_be_visible()
    return frame


def retype(page: Page, frame, text: str) -> None:
    frame.locator("#REACT_ACE_EDITOR .ace_content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text, delay=30)


def completion_popup(frame):
    popup = frame.locator(".ace_autocomplete")
    expect(popup).to_be_visible()
    return popup


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_editor_highlights_completes_and_runs_offline(server, page: Page, artifacts, lang):  # noqa: F811
    base, _ = server
    requested: list[str] = []  # what the editor's frame fetches (Streamlit's own icons are not its business)
    page.on("request", lambda r: requested.append(r.url) if "code_editor" in (r.frame.url or "") else None)
    open_page(page, f"{base}/sql?lang={lang}")
    frame = editor_frame(page)
    expect(frame.locator(".ace_keyword").first).to_have_text("SELECT")  # the example, highlighted as SQL
    colours = frame.locator("#REACT_ACE_EDITOR").evaluate(KEYWORD_AND_TEXT_COLOURS)
    assert colours[0] != colours[1], colours  # keywords are drawn in their own colour

    retype(page, frame, "SELECT * FROM v_obs")
    expect(completion_popup(frame)).to_contain_text("v_observations")
    page.keyboard.press("Enter")
    page.keyboard.type(" WHERE period_e", delay=30)
    expect(completion_popup(frame)).to_contain_text("period_end")
    page.keyboard.press("Enter")
    page.keyboard.type(" IS NOT NULL LIMIT 3", delay=30)
    expect(frame.locator("#REACT_ACE_EDITOR .ace_content")).to_contain_text("SELECT * FROM v_observations WHERE period_end IS NOT NULL LIMIT 3")

    page.keyboard.press("Escape")  # close a completion list still open
    page.keyboard.press("Control+Enter")  # the editor's submit: the page runs the query
    caption = "3 行 · 查询" if lang == "zh" else "3 rows · query"
    expect(page.get_by_text(caption)).to_be_visible()
    expect(page.locator("[data-testid=stDataFrame]").first).to_be_visible()
    expect(page.locator("[data-testid=stDownloadButton]").first).to_contain_text("CSV (3)")
    page.screenshot(path=artifacts / f"sql-editor-{lang}.png", full_page=True)
    assert_no_error(page)
    outside = sorted({u for u in requested if urlparse(u).hostname not in ("127.0.0.1", "localhost")
                      and not u.startswith(("data:", "blob:", "about:"))})
    assert requested and outside == []  # the editor's scripts, styles and fonts all come from the wheel
