"""The stylesheet that puts Streamlit's widget texts in the reader's language (dashboard/widget_text.py);
what a browser then shows is tests/e2e/test_language_browser.py."""

from __future__ import annotations

import pytest


def test_a_css_string_escapes_quotes_backslashes_and_line_breaks():
    from dashboard.widget_text import css_string

    assert css_string('say "hi" \\ now\nthen') == '"say \\"hi\\" \\\\ now\\A then"'


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_stylesheet_shows_our_texts_with_streamlits_upload_limit(lang, monkeypatch):
    import streamlit as st

    from dashboard.i18n import t
    from dashboard.loading import UPLOAD_TYPES
    from dashboard.widget_text import css_string, stylesheet

    monkeypatch.setattr(st, "get_option", lambda name: {"server.maxUploadSize": 50}[name])
    css = stylesheet(lang)
    sep = "、" if lang == "zh" else ", "
    limit = t("uploader_limit", lang, mb=50, types=sep.join(f".{k}" for k in UPLOAD_TYPES))
    for text in (t("uploader_button", lang), limit, t("uploader_drop", lang), t("no_matches", lang)):
        assert f"content: {css_string(text)};" in css
    assert css.count("visibility: hidden") == 4  # each English text hidden where ours shows
