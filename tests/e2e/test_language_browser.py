"""Every page in a real Chromium, in both languages (issue 16): the text a person reads holds no
English in the Chinese UI and no Chinese in the English UI, apart from data values and proper names
without a translation (the exceptions of the AppTest walk, tests/dashboard/test_language_walk.py).

What a person reads is the DOM's innerText of the sidebar and the page, with Streamlit's widget
internals opened: the uploader's dropzone (and its text while a file is dragged over it), an opened
multiselect that matches nothing, the placeholder of an empty input, the Plant drill-down's and the
Briefing's period pickers opened, and the CSS generated text that replaces Streamlit's own
(dashboard/widget_text.py). Material icons (words drawn as pictures by an icon font), text for
screen readers only (1 px boxes) and code (commands, paths) are not read. Screenshots at 1280 and
1400 px in zh and en go to the artifacts folder of tests/e2e/test_ux_browser.py ($PULSE_TEST_ARTIFACTS
or pytest's basetemp), never the repository."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.i18n import t
from tests.dashboard.test_language_walk import foreign
from tests.e2e.test_dashboard_browser import assert_no_error, open_page
from tests.e2e.test_ux_browser import artifacts  # noqa: F401 - the shared screenshot folder fixture

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)

PAGES = [pytest.param("overview", "", id="overview"),
         pytest.param("explore", "explore?s=nf10_output_ytd,nf10_output", id="explore"),
         pytest.param("plant", "plant", id="plant"),
         pytest.param("sources", "sources", id="sources"),
         pytest.param("briefing", "briefing", id="briefing"),
         pytest.param("sql", "sql", id="sql")]
MAIN, SIDEBAR = "[data-testid=stMain]", "[data-testid=stSidebar]"
OPEN_WIDGETS = "[role=listbox], [data-baseweb=popover], [data-baseweb=calendar]"
# ISO dates and times and file names are data wherever they appear.
DATA_TOKENS = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\b|\b[\w.-]+\.(?:csv|xlsx|md|duckdb|json|txt)\b")

# Marks what is not read (icons, screen-reader-only boxes, code) and returns what CSS adds as text
# (::before / ::after content) plus the placeholders of empty inputs.
MARK_AND_GENERATED = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.matches('[data-testid=stIconMaterial], [translate=no][aria-hidden=true], code')) { el.setAttribute('data-not-read', ''); continue; }
    const box = el.getBoundingClientRect();
    if (el.children.length === 0 && el.textContent.trim() && box.width <= 1 && box.height <= 1
        && getComputedStyle(el).position === 'absolute') el.setAttribute('data-not-read', '');
    for (const pseudo of ['::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      const content = style.content;
      if (content && content.startsWith('"') && style.visibility === 'visible' && style.display !== 'none')
        out.push(JSON.parse(content));
    }
    if (el.tagName === 'INPUT' && !el.value && el.placeholder && el.offsetParent) out.push(el.placeholder);
  }
  return out;
}"""


def readable(page: Page, root: str) -> str:
    generated = page.evaluate(MARK_AND_GENERATED)
    page.add_style_tag(content="[data-not-read] { display: none !important; }")
    text = "\n".join(el.inner_text() for el in page.locator(root).all())
    return text + "\n" + "\n".join(generated)


def open_widgets(page: Page, name: str, lang: str) -> list[str]:
    """Streamlit's texts that show only while a widget is used: read each while it is open."""
    texts = []
    if name == "explore":  # a search that matches nothing: the dropdown's "no results" text
        select = page.locator(f"{MAIN} [data-testid=stMultiSelect] input").first
        select.click()
        select.fill("zzzz")
        page.wait_for_timeout(300)
        texts.append(readable(page, OPEN_WIDGETS))
        select.fill("")
        page.keyboard.press("Escape")
    if name == "sources":  # the dropzone while a file is dragged over it
        drag = page.evaluate_handle("() => { const d = new DataTransfer();"
                                    " d.items.add(new File(['x'], 'a.csv', {type: 'text/csv'})); return d; }")
        page.dispatch_event("[data-testid=stFileUploaderDropzone]", "dragenter", {"dataTransfer": drag})
        page.wait_for_timeout(300)
        texts.append(readable(page, "[data-testid=stFileUploader]"))
        page.dispatch_event("[data-testid=stFileUploaderDropzone]", "dragleave", {"dataTransfer": drag})
    if name in ("plant", "briefing"):  # the period picker, opened
        if name == "plant":
            page.get_by_text(t("drill_day", lang)).first.click()
        else:
            page.get_by_text("指定日期" if lang == "zh" else "A date").first.click()
        picker = page.locator(f"{MAIN} [data-testid=stDateInput] input, "
                              f"{MAIN} [data-testid=stSelectbox]:has-text('{t('drill_day', lang)}') input").first
        if name == "briefing":
            picker = page.locator(f"{MAIN} [data-testid=stDateInput] input, {MAIN} [data-testid=stSelectbox] input").nth(1)
        picker.click()
        page.wait_for_timeout(500)
        texts.append(readable(page, OPEN_WIDGETS))
        page.keyboard.press("Escape")
    return texts


def settle(page: Page, name: str) -> None:
    expect(page.locator(f"{MAIN} h1").first).to_be_visible()
    if name in ("explore", "plant"):
        expect(page.locator("[data-testid=stPlotlyChart] .main-svg").first).to_be_visible()
    page.wait_for_timeout(500)  # the last widgets of the script settle (layout, not speed)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_page_reads_in_one_language(server, page: Page, artifacts, name, path, lang):  # noqa: F811
    base, _ = server
    sep = "&" if "?" in path else "?"
    for width in (1400, 1280):  # ends at 1280 px, the width the text is read at
        page.set_viewport_size({"width": width, "height": 1000})
        open_page(page, f"{base}/{path}{sep}lang={lang}")
        settle(page, name)
        page.screenshot(path=artifacts / f"lang-{name}-{lang}-{width}.png", full_page=True)
    assert_no_error(page)
    texts = open_widgets(page, name, lang)
    page.wait_for_timeout(500)
    texts.append(readable(page, f"{SIDEBAR}, {MAIN}"))
    text = DATA_TOKENS.sub("", "\n".join(texts))
    if os.environ.get("DUMP_PAGE_TEXT"):
        print(text)
    found = foreign(text.splitlines(), lang)
    print("\n".join(found))  # the whole list, for the person fixing it
    assert found == []
