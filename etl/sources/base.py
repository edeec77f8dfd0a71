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

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl.records import Extracted, NoTextFound, RawObservation, RowReject, SourceError

if TYPE_CHECKING:
    import duckdb

    from etl.catalog import Catalog
    from etl.settings import Settings


__all__ = ["Extracted", "NoTextFound", "RawObservation", "RowReject", "SourceContext", "SourceError", "read_head"]


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
