"""Streamlit's own widget texts in the reader's language, from the one i18n table.

Streamlit 1.67 has no locale setting: its file uploader says "Upload", "Drag and drop files here" and
"200MB per file • CSV", and an empty dropdown "No results", in English whatever the page's language.
Where a widget takes our text we pass it (placeholder=, select_all=False, no calendar: pages pick
periods from the data). For the rest this one stylesheet hides Streamlit's text (visibility, so it
leaves the innerText a browser reads) and shows ours in its place as generated content. Selectors
are Streamlit's data-testid attributes and react-aria's roles, checked by tests/e2e/test_language_browser.py
in a real Chromium: a Streamlit upgrade that moves them fails that test, not silently.
"""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t
from dashboard.loading import UPLOAD_TYPES

DROPZONE = "[data-testid=stFileUploaderDropzone]"


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped (the text is ours, but still)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def _replace(selector: str, text: str, size: str = "inherit") -> str:
    """Hide the element's own text and show `text` in its place."""
    return (f"{selector} {{ visibility: hidden; font-size: 0 !important; }}\n"
            f"{selector}::after {{ content: {css_string(text)}; visibility: visible; font-size: {size}; }}\n")


def upload_limit_mb() -> int:
    return int(st.get_option("server.maxUploadSize"))


def stylesheet(lang: str) -> str:
    types = (", " if lang == "en" else "、").join(f".{kind}" for kind in UPLOAD_TYPES)
    return "".join((
        _replace(f"{DROPZONE} button [data-testid=stMarkdownContainer] p", t("uploader_button", lang), "0.875rem"),
        _replace(f"{DROPZONE} [data-testid=stFileUploaderDropzoneInstructions] span",
                 t("uploader_limit", lang, mb=upload_limit_mb(), types=types), "0.8rem"),
        # shown while a file is dragged over the zone (the only span directly in a div of the section)
        _replace(f"{DROPZONE} > div:not([data-testid]) > span", t("uploader_drop", lang), "1rem"),
        # a dropdown whose search matches nothing (multiselect and selectbox, react-aria listbox)
        _replace("[role=listbox][data-empty=true] > [role=option] > span", t("no_matches", lang), "0.875rem"),
    ))


def install(lang: str) -> None:
    """Once per run, before the page draws its widgets (dashboard/app.py)."""
    st.html(f"<style>\n{stylesheet(lang)}</style>")
