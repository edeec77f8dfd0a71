"""Bulletins published as PDF: text extracted with pypdf (BSD licence), then the bulletin extractor."""

from __future__ import annotations

from pathlib import Path

from etl.sources.base import Extracted, SourceContext
from etl.sources.bulletin import extract_text_file

KIND = "pdf"
PRIORITY = 50


def detect(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".pdf" or head.startswith(b"%PDF-")


def extract(path: Path, ctx: SourceContext) -> Extracted:
    from etl.bulletin.documents import pdf_to_text  # imported here: see etl/sources/bulletin.py

    return extract_text_file(path, pdf_to_text(path), ctx)
