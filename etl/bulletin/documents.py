"""Bulletin files -> text: .txt/.md as decoded text, .html with tags removed, .pdf via pypdf."""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from etl.sources._html import visible_html
from etl.sources.base import SourceError
from etl.sources.text import HTML_SUFFIXES, decode_text

log = logging.getLogger(__name__)

# Blocks end a line; headings start an article (extract.py reads "#" as an article start).
_BLOCK_TAGS = frozenset("p div br li tr table section article h1 h2 h3 h4 h5 h6 title header footer ul ol".split())
_HEADINGS = frozenset(("h1", "h2", "h3"))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "head"))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _HEADINGS:
            self.parts.append("\n\n# ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextParser()
    parser.feed(visible_html(markup))  # hidden elements would override the figures a reader sees
    parser.close()
    text = html.unescape("".join(parser.parts))
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)


def pdf_to_text(path: Path) -> str:
    """The text of every page of a PDF (pypdf, BSD licence); a page break ends a paragraph."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise SourceError(f"{path.name} is an encrypted PDF; save an unprotected copy and load that.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        log.debug("pdf read failed", exc_info=True)
        raise SourceError(f"{path.name} is not a readable PDF ({type(exc).__name__}); re-export it or load its text.") from None
    return cjk_radicals_to_ideographs("\n\n".join(pages))


# PDF fonts often map glyphs to radical code points: "⼗" (U+2F17) for 十, "⻓" (U+2ED3) for 长.
# Kangxi radicals have NFKC forms; the supplement's simplified radicals do not, so they are listed.
_SUPPLEMENT = str.maketrans("⻓⻄⻋⻅⻔⻚⻛⻢⻥⻝⻬⻉⻆⻘⻜⻩⻳⻨⻰⻮⻁⻈⻌⻊⺠⻙⻤", "长西车见门页风马鱼食齐贝角青飞黄龟麦龙齿虎讠辶足民韦鬼")


def cjk_radicals_to_ideographs(text: str) -> str:
    text = re.sub(r"[\u2f00-\u2fdf]+", lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(_SUPPLEMENT)


def read_document(path: Path) -> str:
    """The text of a bulletin file; SourceError (one sentence) when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_to_text(path)
    data = path.read_bytes()
    if not data.strip():
        return ""
    text, _ = decode_text(data, path.name)
    if suffix in HTML_SUFFIXES:
        return html_to_text(text)
    return text
