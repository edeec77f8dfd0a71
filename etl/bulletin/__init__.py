"""Statistics from Chinese bulletin prose (NBS / PBoC releases, association reports, company news).

`read_document(path)` turns a .txt/.md/.html/.pdf file into text; `extract_document` finds its
statistics; `to_raw` / `to_dict` hand them to the pipeline or print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from etl.bulletin import post
from etl.bulletin.extract import Extraction, extract_records, masthead_date
from etl.bulletin.record import Record
from etl.catalog import Catalog
from etl.sources.base import RawObservation
from etl.units import UnitError, to_canonical

__all__ = ["Document", "extract_document", "to_raw", "to_dict", "Record"]


@dataclass
class Document:
    name: str
    title: str
    published: date | None
    extraction: Extraction
    records: list[Record]


def _title(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:120]
    return ""


def extract_document(name: str, text: str, published: date | None, catalog: Catalog | None) -> Document:
    """Statistics of one document's text; `published` (else a masthead date) dates 今年/去年."""
    published = published or masthead_date(text)
    subjects = sorted({s.subject for s in catalog.series.values()}) if catalog else []
    extraction, records = extract_records(text, published.year if published else None, subjects, published)
    post.mark_forecasts(records, extraction.s, extraction.seg, published)
    return Document(name, _title(text), published, extraction, records)


def to_raw(doc: Document, r: Record) -> RawObservation:
    clean = doc.extraction.clean
    return RawObservation(
        value_as_written=r.signed_value,
        unit_as_written=clean.as_written(r.unit, r.qend),
        period_start=r.period_start,
        period_end=r.period_end,
        indicator=r.indicator,
        subject=r.subject,
        period_label=r.period_label,
        change_pct=r.change_pct,
        change_kind=r.change_kind,
        quote=clean.span(r.start, r.end),
        row=clean.line_of(r.qstart),
        index_base=r.index_base,
    )


def to_dict(doc: Document, r: Record, catalog: Catalog | None) -> dict[str, Any]:
    """One `pulse extract` record: the issue's fields, with the catalog match and canonical value."""
    raw = to_raw(doc, r)
    try:
        value_canonical, unit_canonical = to_canonical(raw.value_as_written, raw.unit_as_written)
    except UnitError:
        value_canonical, unit_canonical = None, None
    series = None
    if catalog is not None and unit_canonical is not None:
        series = catalog.match(raw.indicator, raw.subject, unit_canonical, raw.period_start, raw.period_end)
    return {
        "doc": doc.name,
        "quote": raw.quote,
        "subject": raw.subject,
        "indicator": raw.indicator,
        "series_id": series.id if series else None,
        "period_label": raw.period_label,
        "period_start": raw.period_start.isoformat() if raw.period_start else None,
        "period_end": raw.period_end.isoformat() if raw.period_end else None,
        "value": raw.value_as_written,
        "unit": raw.unit_as_written,
        "value_canonical": value_canonical,
        "unit_canonical": unit_canonical,
        "change_pct": raw.change_pct,
        "change_kind": raw.change_kind,
        "index_base": raw.index_base,
        "line": raw.row,
    }
