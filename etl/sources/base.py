"""The contract between the pipeline and a source kind.

A source module (one per kind, in etl/sources/) defines:

    KIND: str                      e.g. "long_table"
    PRIORITY: int                  lower is asked first by detection
    def detect(path: Path, head: bytes) -> bool
    def extract(path: Path, ctx: SourceContext) -> Extracted

`extract` raises SourceError (one sentence: what is wrong, where, what to do) when the whole file
must be rejected; it reports rows it drops, while the file still loads, in `Extracted.row_rejects`.
It never writes the warehouse: the pipeline normalizes and loads what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

    from etl.catalog import Catalog
    from etl.settings import Settings


class SourceError(ValueError):
    """The whole file is rejected; the message is one sentence naming where and what to do."""

    def __init__(self, message: str, row: int | None = None, rejects: list[RowReject] | None = None):
        super().__init__(message)
        self.row = row
        self.rejects = rejects or []  # one per bad row when several are named (see _report.BadRows)


class NoTextFound(SourceError):
    """The file holds no text to read (a scanned PDF, whitespace only): not loaded, not quarantined,
    not recorded as a document, so a later run (e.g. after OCR) tries it again."""


@dataclass(frozen=True)
class RawObservation:
    """One statistic as the source states it; the normalize stage scales and maps it."""

    value_as_written: str
    unit_as_written: str
    period_start: date | None
    period_end: date | None
    series_id: str | None = None  # a catalog id or alias when the source names one
    indicator: str = ""  # the indicator's name as written (used to map to the catalog)
    subject: str = ""
    period_label: str = ""
    change_pct: float | None = None
    change_kind: str | None = None  # yoy, mom, vs_prev_year, pp
    quote: str = ""
    source_url: str | None = None
    derived: bool = False
    row: int | None = None  # 1-based line/row in the file, for error messages
    index_base: str | None = None  # an index's stated base, normalised: "2005=100", "prev_year=100"


@dataclass(frozen=True)
class RowReject:
    row: int | None
    reason: str


@dataclass
class Extracted:
    title: str
    published: date | None = None
    # Document-level provenance a person can follow (masthead, source line, page URL).
    publisher: str | None = None
    source_url: str | None = None
    observations: list[RawObservation] = field(default_factory=list)
    row_rejects: list[RowReject] = field(default_factory=list)
    simulated: bool = False
    # Unmapped statistics are kept (bulletins); table sources insist every row maps.
    strict_series: bool = True
    # Run against the staging warehouse after this file's observations are loaded (plant KPIs).
    after_load: Callable[[duckdb.DuckDBPyConnection], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceContext:
    settings: Settings
    catalog: Catalog
    load_id: str
    published: date | None = None  # a publication-date hint from the user (--published)
    con: duckdb.DuckDBPyConnection | None = None  # the staging warehouse, read for context only
    sha256: str = ""


def read_head(path: Path, size: int = 8192) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)
