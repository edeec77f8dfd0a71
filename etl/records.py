"""The types every stage shares: what a source returns (observations, rejects) and how it fails.

The ground floor of etl/: it imports nothing from the package, so sources, stages and the plant
module can all use it without importing upward. `etl.sources.base` re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


class SourceError(ValueError):
    """The whole file is rejected; the message is one sentence naming where and what to do."""

    def __init__(self, message: str, row: int | None = None, rejects: list[RowReject] | None = None):
        super().__init__(message)
        self.row = row
        self.rejects = rejects or []  # one per bad row when several are named (etl.sources._report)


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


# The columns of a table source's observations in bulk (issue 17): RawObservation's fields, with the
# value also as its exact decimal parts (value_digits: signed significant digits, '0' for zero;
# value_exp: the power of ten of the last digit), `ord` the order rows are reported in, and
# `base_text` the text an index base is read from when the row names no series.
OBSERVATION_TABLE_COLUMNS = (
    "series_id", "value_as_written", "unit_as_written", "value_digits", "value_exp", "period_start",
    "period_end", "period_label", "indicator", "subject", "change_pct", "change_kind", "quote", "source_url",
    "derived", "row", "index_base", "base_text", "ord",
)


@dataclass
class ObservationTable:
    """A table source's observations as a DuckDB relation `name` (columns OBSERVATION_TABLE_COLUMNS)
    in the scratch database that `con` (a cursor of the staging connection) attached: the columnar
    hand-off from extract to normalize, so no per-row Python object is made. `tables` are the
    tables behind it, dropped with it."""

    con: Any  # duckdb.DuckDBPyConnection (records.py imports nothing heavy)
    name: str
    is_view: bool = False
    tables: list[str] = field(default_factory=list)

    def count(self) -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0]

    def close(self) -> None:
        self.con.execute(f"DROP {'VIEW' if self.is_view else 'TABLE'} IF EXISTS {self.name}")
        for table in self.tables:
            self.con.execute(f"DROP TABLE IF EXISTS {table}")
        self.con.close()


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
    # Table sources hand their observations over in bulk instead (normalized in SQL).
    table: ObservationTable | None = None
    row_rejects: list[RowReject] = field(default_factory=list)
    simulated: bool = False
    # Unmapped statistics are kept (bulletins); table sources insist every row maps.
    strict_series: bool = True
    # Rows that go to telemetry Parquet rather than `observations` (plant logs): the load stage
    # writes them under the load's id; the source only validates them.
    telemetry: Any = None  # etl.plant.telemetry.Validated
    extra: dict[str, Any] = field(default_factory=dict)


class NotReady(SourceError):
    """The file is not complete yet (still being written, cut off mid-line): skipped with the message
    as a notice, not recorded, not quarantined; the next run reads it again."""
