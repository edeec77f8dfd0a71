"""Bulletins: Chinese statistical prose in .txt / .md / .html (UTF-8 or GBK/GB18030).

Every statistic becomes a RawObservation with its indicator and subject as written, its period,
and its quote; series are mapped by the normalize stage (unmapped ones are kept).
"""

from __future__ import annotations

from pathlib import Path

from etl import provenance
from etl.sources.base import Extracted, NoTextFound, SourceContext
from etl.sources.text import HTML_SUFFIXES, TEXT_SUFFIXES

# etl.bulletin is imported where a bulletin is read, not here: every load imports every source
# module to detect each file's kind, and the extractor's import costs ~0.1 s a process (issue 17).

KIND = "bulletin"
PRIORITY = 50  # after the table kinds, which look at columns


def detect(path: Path, head: bytes) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES


def extract(path: Path, ctx: SourceContext) -> Extracted:
    from etl.bulletin.documents import read_document

    return extract_text_file(path, read_document(path), ctx)


def extract_text_file(path: Path, text: str, ctx: SourceContext) -> Extracted:
    if not text.strip():  # not "loaded, 0 rows": it would never be looked at again
        scanned = " (a scanned PDF?); run OCR on it" if path.suffix.lower() == ".pdf" else "; put the text in it"
        raise NoTextFound(f"{path.name}: no text found{scanned} and put it back in the inbox.")
    from etl.bulletin import extract_document, to_raw

    doc = extract_document(path.name, text, ctx.published, ctx.catalog)
    observations = [to_raw(doc, r) for r in doc.records]
    publisher, url = provenance.from_text(text)  # masthead / source line: who a reader should credit
    return Extracted(title=doc.title or path.stem, published=doc.published, observations=observations,
                     strict_series=False, publisher=publisher, source_url=url)
