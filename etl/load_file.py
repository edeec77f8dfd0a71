"""Stages 2-5 for one file, in its own transaction: detect -> extract -> normalize -> load.

A source only returns data and rejects; this module writes them: rows into the staging warehouse,
telemetry rows as Parquet parts under the load's id (listed in `telemetry_parts`, so they become
visible only with the publish). Any failure rolls the file back and removes its parts:
- SourceError / PulseError: the file is rejected with the source's one-line message;
- NotReady / NoTextFound: the file is skipped with the message as a notice, retried next run;
- anything else: the file is rejected as "internal error (<type>), see <log>", the traceback goes
  to the warehouse's log with the stage, file and load id, and the load goes on with the next file.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from etl import holds, warehouse
from etl.catalog import Catalog
from etl.errors import PulseError
from etl.fetch import apply_provenance
from etl.logfile import write_traceback
from etl.normalize import normalize_all
from etl.normalize_table import normalize_table
from etl.quarantine import one_line
from etl.records import Extracted, NoTextFound, NotReady, SourceError
from etl.scan import signature, still_growing
from etl.settings import Settings
from etl.sources import detect_kind
from etl.sources.base import SourceContext
from etl.testhooks import pause_at

log = logging.getLogger("pulse.load")


@dataclass
class FileOutcome:
    path: Path
    status: str  # loaded | skipped | rejected
    kind: str | None = None
    rows: int = 0
    rows_rejected: int = 0
    error: str | None = None
    quarantined_to: Path | None = None
    notice: str | None = None  # why a file was skipped for now (still being written, no text)


@dataclass
class FileJob:
    """What every file of one load shares."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    catalog: Catalog
    load_id: str
    published: date | None
    known: set[str] = field(default_factory=set)  # sha256 of every loaded document
    signatures: dict = field(default_factory=dict)  # (size, mtime) of each file when scanned


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(job: FileJob, path: Path) -> FileOutcome:
    try:
        digest = sha256_of(path)
    except OSError as exc:
        return _reject(job, FileOutcome(path, "rejected"),
                       f"{path.name} cannot be read ({exc.strerror}); check its permissions.")
    if digest in job.known:
        return FileOutcome(path, "skipped")
    outcome = FileOutcome(path, "loaded")
    written: list[str] = []
    stage = "detect"
    warehouse.begin_file(job.con, job.settings.db)
    try:
        pause_at("detect")
        source = detect_kind(path)
        outcome.kind, stage = source.KIND, "extract"
        extracted = source.extract(path, SourceContext(job.settings, job.catalog, job.load_id, job.published,
                                                       job.con, digest))
        apply_provenance(extracted, job.settings.db, digest, path.stem)  # fetched files: page URL, title, date
        try:
            stage = "load"
            outcome.rows, outcome.rows_rejected = _store(job, path, digest, source.KIND, extracted, written)
            holds.check_document(job.con, digest[:16], job.catalog, job.settings)  # hold conflicting vintages
        finally:
            if extracted.telemetry is not None:
                extracted.telemetry.close()
            if extracted.table is not None:
                extracted.table.close()
        if path in job.signatures and signature(path) != job.signatures[path]:
            raise NotReady(still_growing(path))
        pause_at("commit")
        warehouse.commit_file(job.con, job.settings.db)
    except BaseException as exc:
        warehouse.rollback_file(job.con, job.settings.db, digest[:16], job.load_id, str(path), written)
        if not isinstance(exc, Exception):
            raise  # KeyboardInterrupt, SystemExit: stop the load (nothing of the file stays)
        return _failed(job, outcome, exc, stage)
    job.known.add(digest)
    return outcome


def _failed(job: FileJob, outcome: FileOutcome, exc: Exception, stage: str) -> FileOutcome:
    name = one_line(outcome.path.name)
    if isinstance(exc, NotReady | NoTextFound):
        outcome.status, outcome.notice, outcome.rows, outcome.rows_rejected = "skipped", one_line(str(exc)), 0, 0
        return outcome
    if isinstance(exc, SourceError):
        outcome = _reject(job, outcome, str(exc), None if exc.rejects else exc.row, record=not exc.rejects)
        for reject in exc.rejects:  # every bad row the source named, one `rejects` row each
            record_reject(job.con, job.load_id, outcome.path, reject.row, reject.reason)
        return outcome
    if isinstance(exc, PulseError):
        return _reject(job, outcome, f"{name}: {exc}")
    if isinstance(exc, OSError) and stage in ("detect", "extract") and exc.strerror:
        return _reject(job, outcome, f"{name} cannot be read ({exc.strerror}); check it and load it again.")
    where = write_traceback(job.settings.db, f"load {job.load_id} stage {stage} file {outcome.path}", exc)
    log.error("load %s: %s failed in stage %s (%s)", job.load_id, outcome.path, stage, type(exc).__name__)
    return _reject(job, outcome, f"{name}: internal error ({type(exc).__name__}) in stage {stage}, see {where}")


def _reject(job: FileJob, outcome: FileOutcome, message: str, row: int | None = None,
            record: bool = True) -> FileOutcome:
    outcome.status, outcome.error, outcome.rows, outcome.rows_rejected = "rejected", one_line(message), 0, 0
    if record:
        record_reject(job.con, job.load_id, outcome.path, row, outcome.error)
    return outcome


def record_reject(con: duckdb.DuckDBPyConnection, load_id: str, path: Path, row: int | None, reason: str) -> None:
    con.execute(
        "INSERT INTO rejects (load_id, file_path, row_number, reason) VALUES (?,?,?,?)",
        [load_id, str(path), row, one_line(reason)],
    )


OBSERVATION_COLUMNS = [
    "series_id", "subject", "indicator", "period_label", "period_start", "period_end", "value", "unit",
    "value_as_written", "unit_as_written", "change_pct", "change_kind", "derived", "document_id", "quote",
    "source_url", "source_row", "load_id", "index_base",
]


def _normalize(job: FileJob, path: Path, document_id: str, extracted: Extracted) -> list[tuple]:
    """Stage 4: scale every statistic to its canonical unit and map it to a catalog series."""
    extra = {r[0] for r in job.con.execute("SELECT series_id FROM series").fetchall()}
    values = []
    for row in normalize_all(extracted.observations, job.catalog, extracted.strict_series, extra, path.name,
                             job.settings.max_reported_rows):  # names every row that cannot be stored
        raw = row.raw
        values.append((
            row.series_id, raw.subject, raw.indicator, raw.period_label, raw.period_start, raw.period_end,
            row.value, row.unit, raw.value_as_written, raw.unit_as_written, raw.change_pct, raw.change_kind,
            raw.derived, document_id, raw.quote, raw.source_url, raw.row, job.load_id, raw.index_base,
        ))
    return values


def _normalize_table(job: FileJob, path: Path, extracted: Extracted):
    """Stage 4 for a table source's observations in bulk (etl.normalize_table): one decision per
    distinct series id, unit and indicator, the rows scaled and mapped in SQL."""
    extra = {r[0] for r in job.con.execute("SELECT series_id FROM series").fetchall()}
    return normalize_table(extracted.table, job.catalog, extra, path.name, job.settings.max_reported_rows)


def _insert_table(job: FileJob, document_id: str, normalized) -> int:
    """Stage 5 for the bulk hand-off: one INSERT ... SELECT from the scratch database the source's
    cursor filled; no row passes through Python."""
    cols = [c for c in OBSERVATION_COLUMNS if c not in ("document_id", "load_id")] + ["publisher"]
    select = f"SELECT {', '.join(cols)}, $doc AS document_id, $load AS load_id FROM ({normalized.select_sql()})"
    return warehouse.insert_select(job.con, "observations", [*cols, "document_id", "load_id"], select,
                                   {"doc": document_id, "load": job.load_id}, source=normalized.con)


def _store(job: FileJob, path: Path, digest: str, kind: str, extracted: Extracted, written: list[str]) -> tuple[int, int]:
    """Stage 5: the document, its observations, its row rejects and its telemetry parts."""
    document_id = digest[:16]
    normalized = _normalize_table(job, path, extracted) if extracted.table is not None else None
    try:
        values = _normalize(job, path, document_id, extracted)
        job.con.execute(  # named columns: other migrations may add provenance columns with defaults
            "INSERT INTO documents (document_id, sha256, path, file_name, kind, title, published, size_bytes,"
            " simulated, load_id, publisher, source_url) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [document_id, digest, str(path), path.name, kind, extracted.title, extracted.published,
             path.stat().st_size, extracted.simulated, job.load_id, extracted.publisher, extracted.source_url],
        )
        warehouse.insert_rows(job.con, "observations", OBSERVATION_COLUMNS, values)
        stored = len(values) + (_insert_table(job, document_id, normalized) if normalized is not None else 0)
    finally:
        if normalized is not None:
            normalized.close()
    for reject in extracted.row_rejects:
        record_reject(job.con, job.load_id, path, reject.row, reject.reason)
    telemetry_rows, refused = 0, []
    if extracted.telemetry is not None:
        telemetry_rows, refused = warehouse.store_telemetry(job.con, job.settings.db, extracted.telemetry, path.name,
                                                            document_id, job.load_id, written)
        for reject in refused:
            record_reject(job.con, job.load_id, path, reject.row, reject.reason)
        pause_at("telemetry")
    return stored + telemetry_rows, len(extracted.row_rejects) + len(refused)
