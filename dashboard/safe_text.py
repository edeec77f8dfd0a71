"""Text from data shown as text: the one place that escapes it for Plotly and for Streamlit markdown.

Plotly renders a subset of HTML (<b>, <i>, <a href>, <br>, <span style> …) in titles, trace names,
legends, hover text, tick labels, annotations and axis titles, and decodes entities; Streamlit's
markdown (st.markdown, st.caption, widget labels, st.subheader …) renders markdown, links and
`:color[...]` directives. A series name, quote, document title, file, robot or plant name must be
neither. Our own markup (a `<br>` between wrapped lines, `<b>` in a hover template) is added after
escaping, never inside data.
"""

from __future__ import annotations

import re
from typing import Any

# a text cell starting with one of these is a formula to Excel and LibreOffice (dashboard.exports)
FORMULA_START = r"^[=+\-@\t\r]"

_PLOTLY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
ZWSP = "\u200b"
_AUTOLINK = {"://": ":" + ZWSP + "//", "www": "www" + ZWSP, "WWW": "WWW" + ZWSP, "@": "@" + ZWSP}
# CommonMark lets every ASCII punctuation character be backslash-escaped; these are the ones that
# start markup anywhere in Streamlit's markdown (emphasis, code, links and images via "[", HTML,
# tables, strikethrough, LaTeX, `:color[...]`/emoji directives, entities). "(", "=", "." ... stay
# as they are, so a label such as 创新指数(2015=100) keeps its source text.
_MARKDOWN = set("\\`*_[]<>#|~$:&")
# markup only at the start of a line: a list item, a setext underline, a numbered list
_LEADING = re.compile(r"^(?:[-+=]|\d+[.)])")


def plotly_text(value: Any) -> str:
    """`value` as Plotly text that displays exactly as written (no tags, no entities)."""
    text = "" if value is None else str(value)
    return "".join(_PLOTLY.get(ch, ch) for ch in text)


def plotly_template_text(value: Any) -> str:
    """Text pasted into a hover template: escaped, and a `%{` broken up (Plotly has no escape for
    it) so it is not read as a template field."""
    return plotly_text(value).replace("%{", "%\u200b{")


def markdown_text(value: Any) -> str:
    """`value` as Streamlit markdown that displays exactly as written (no emphasis, links, HTML).

    Backslashes do not stop GFM's autolinks (a bare https://…, www.… or name@host becomes a link),
    so a zero-width space goes inside `://` and after `www` and `@`, where it breaks the pattern unseen.
    """
    text = "" if value is None else str(value)
    for mark, broken in _AUTOLINK.items():
        text = text.replace(mark, broken)
    text = "".join("\\" + ch if ch in _MARKDOWN else ch for ch in " ".join(text.splitlines()))
    lead = _LEADING.match(text)
    if lead:  # escape the character that makes it a list item or a heading underline
        text = text[: lead.end() - 1] + "\\" + text[lead.end() - 1:]
    return text


def plotly_lines(value: Any, width: int = 40, limit: int = 160) -> str:
    """Long text cut to `limit` characters and wrapped every `width` with <br>, escaped piece by piece
    (wrapping after escaping could split an entity)."""
    if not value:
        return ""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "<br>".join(plotly_text(text[i : i + width]) for i in range(0, len(text), width))
