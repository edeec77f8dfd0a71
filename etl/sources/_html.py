"""The part of an HTML page a reader sees: hidden elements are removed before the text is read.

A page may carry stale or decoy figures in elements the browser does not show (`display:none`
inline or through a <style> rule, the `hidden` attribute, <template>, <script>); read as text they
would override the visible figure. Parsed with selectolax (lexbor, an HTML5 parser) so unclosed
tags nest as a browser nests them, and <style> selectors are applied as CSS, not guessed at.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_HIDING = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)", re.I)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_NEVER_SHOWN = "script, template, noscript, style, [hidden]"


def visible_html(markup: str) -> str:
    """The page's HTML with every element a browser would not display taken out."""
    tree = LexborHTMLParser(markup)
    selectors = _hiding_selectors(tree)
    for selector in (_NEVER_SHOWN, *selectors):
        try:
            nodes = tree.css(selector)
        except (ValueError, TypeError):  # a selector lexbor cannot read hides nothing we can know
            continue
        for node in nodes:
            node.decompose()
    for node in tree.css("[style]"):
        if _HIDING.search(node.attributes.get("style") or ""):
            node.decompose()
    return tree.html or ""


def _hiding_selectors(tree: LexborHTMLParser) -> list[str]:
    """Selectors of <style> rules that hide what they match (`.stale { display: none }`)."""
    found = []
    for style in tree.css("style"):
        css = _COMMENT.sub("", style.text() or "")
        for selector, body in _RULE.findall(css):
            if _HIDING.search(body.strip()) and not selector.strip().startswith("@"):
                found += [s.strip() for s in selector.split(",") if s.strip()]
    return found
