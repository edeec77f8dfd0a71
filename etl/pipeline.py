"""`pulse load`: scan the inbox -> detect -> extract -> normalize -> load -> publish.

Each file loads in its own transaction on the staging warehouse: a rejected file leaves no row
behind, is recorded in `rejects`, and (after the publish) is moved to the quarantine folder with
a reason file. Files already loaded (same sha256) are skipped, so a second run changes nothing.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import version as pkg_version
from pathlib import Path

import duckdb

from etl import warehouse
from etl.catalog import Catalog, load_catalog
from etl.errors import PulseError
from etl.fetch import apply_provenance
from etl.normalize import NormalizeError, normalize
from etl.remap import remap_unmapped
from etl.settings import Settings
from etl.sources import detect_kind
from etl.sources.base import Extracted, SourceContext, SourceError

log = logging.getLogger("pulse.load")
Progress = Callable[[str, int, int], None]  # (message, done, total)


@dataclass
class FileOutcome:
    path: Path
    status: str  # loaded | skipped | rejected
    kind: str | None = None
    rows: int = 0
    rows_rejected: int = 0
    error: str | None = None
    quarantined_to: Path | None = None


@dataclass
class LoadResult:
    load_id: str
    files: list[FileOutcome] = field(default_factory=list)
    published_version: int | None = None
    remapped: int = 0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("rejected") else 0


def new_load_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)


def scan_inbox(inbox: Path, settings: Settings) -> list[Path]:
    if not inbox.is_dir():
        raise PulseError(f"inbox {inbox} is not a folder; create it or pass --inbox.", exit_code=2)
    skip_dirs = {settings.quarantine.resolve(), settings.warehouse_dir.resolve()}
    files = []
    for path in sorted(inbox.rglob("*")):
        if not path.is_file() or any(p in skip_dirs for p in path.resolve().parents):
            continue
        if any(part.startswith(".") for part in path.relative_to(inbox).parts):
            continue
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in settings.ignore):
            continue
        files.append(path)
    return files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def run_load(
    settings: Settings,
    inbox: Path | None = None,
    published: date | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load every new file of the inbox into a new published warehouse version."""
    inbox = inbox or settings.inbox
    catalog = load_catalog(settings.catalog)
    files = scan_inbox(inbox, settings)
    result = LoadResult(new_load_id())
    tell = progress or (lambda *_: None)
    with warehouse.writer_lock(settings.db):
        con = warehouse.open_staging(settings.db)
        try:
            started = datetime.now(UTC)
            warehouse.refresh_catalog(con, catalog)
            known = {r[0] for r in con.execute("SELECT sha256 FROM documents").fetchall()}
            catalog_changed = _catalog_changed(con, settings.catalog)
            for i, path in enumerate(files):
                tell(f"{path.name}", i, len(files))
                result.files.append(_load_file(con, path, known, catalog, settings, result.load_id, published))
            tell("publishing", len(files), len(files))
            if not result.count("loaded") and not result.count("rejected") and not catalog_changed:
                warehouse.discard_staging(con, settings.db)
                return result
            result.remapped = remap_unmapped(con, catalog)
            _record_load(con, result, inbox, started)
            result.published_version = warehouse.publish(con, settings.db)
        except BaseException:
            warehouse.discard_staging(con, settings.db)
            raise
    _quarantine(result, settings, inbox)
    return result


def _catalog_changed(con: duckdb.DuckDBPyConnection, catalog_path: Path) -> bool:
    digest = sha256_of(catalog_path)
    row = con.execute("SELECT value FROM warehouse_info WHERE key = 'catalog_sha256'").fetchone()
    con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('catalog_sha256', ?)", [digest])
    return row is None or row[0] != digest


def _load_file(
    con: duckdb.DuckDBPyConnection, path: Path, known: set[str], catalog: Catalog,
    settings: Settings, load_id: str, published: date | None,
) -> FileOutcome:
    try:
        digest = sha256_of(path)
    except OSError as exc:
        return FileOutcome(path, "rejected", error=f"{path.name} cannot be read ({exc.strerror}); check its permissions.")
    if digest in known:
        return FileOutcome(path, "skipped")
    kind = None
    con.execute("BEGIN")
    try:
        source = detect_kind(path)
        kind = source.KIND
        ctx = SourceContext(settings, catalog, load_id, published, con, digest)
        extracted = source.extract(path, ctx)
        apply_provenance(extracted, settings.db, digest, path.stem)  # fetched files: page URL, title, date
        rows, rejected = _store(con, path, digest, kind, extracted, catalog, load_id)
        if extracted.after_load is not None:
            extracted.after_load(con)
        con.execute("COMMIT")
    except (SourceError, NormalizeError, UnicodeError, OSError, duckdb.Error, ValueError) as exc:
        con.execute("ROLLBACK")
        message = str(exc) if isinstance(exc, SourceError) else f"{path.name}: {exc}"
        log.debug("rejected %s", path, exc_info=True)
        _record_reject(con, load_id, path, getattr(exc, "row", None), message)
        return FileOutcome(path, "rejected", kind=kind, error=message)
    known.add(digest)
    return FileOutcome(path, "loaded", kind=kind, rows=rows, rows_rejected=rejected)


OBSERVATION_COLUMNS = [
    "series_id", "subject", "indicator", "period_label", "period_start", "period_end", "value", "unit",
    "value_as_written", "unit_as_written", "change_pct", "change_kind", "derived", "document_id", "quote",
    "source_url", "source_row", "load_id",
]


def _store(
    con: duckdb.DuckDBPyConnection, path: Path, digest: str, kind: str,
    extracted: Extracted, catalog: Catalog, load_id: str,
) -> tuple[int, int]:
    document_id = digest[:16]
    con.execute(
        "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
        [document_id, digest, str(path), path.name, kind, extracted.title, extracted.published,
         path.stat().st_size, extracted.simulated, load_id],
    )
    extra = {r[0] for r in con.execute("SELECT series_id FROM series").fetchall()}
    values = []
    for raw in extracted.observations:
        try:
            row = normalize(raw, catalog, extracted.strict_series, extra)
        except NormalizeError as exc:
            where = f"{path.name} row {raw.row}" if raw.row else path.name
            raise SourceError(f"{where}: {exc}.", row=raw.row) from None
        values.append((
            row.series_id, raw.subject, raw.indicator, raw.period_label, raw.period_start, raw.period_end,
            row.value, row.unit, raw.value_as_written, raw.unit_as_written, raw.change_pct, raw.change_kind,
            raw.derived, document_id, raw.quote, raw.source_url, raw.row, load_id,
        ))
    warehouse.insert_rows(con, "observations", OBSERVATION_COLUMNS, values)
    for reject in extracted.row_rejects:
        _record_reject(con, load_id, path, reject.row, reject.reason)
    # telemetry rows go to Parquet, not observations; the source counts them
    return len(values) + int(extracted.extra.get("rows_loaded", 0)), len(extracted.row_rejects)


def _record_reject(con: duckdb.DuckDBPyConnection, load_id: str, path: Path, row: int | None, reason: str) -> None:
    con.execute(
        "INSERT INTO rejects (load_id, file_path, row_number, reason) VALUES (?,?,?,?)",
        [load_id, str(path), row, reason],
    )


def _record_load(con: duckdb.DuckDBPyConnection, result: LoadResult, inbox: Path, started: datetime) -> None:
    con.execute(
        "INSERT INTO loads VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [result.load_id, started, datetime.now(UTC), str(inbox), len(result.files), result.count("loaded"),
         result.count("skipped"), result.count("rejected"), result.rows,
         sum(f.rows_rejected for f in result.files), pkg_version("pulse")],
    )
    for f in result.files:
        if f.status == "rejected":
            target = _quarantine_target(f.path, inbox, result.load_id)
            con.execute(
                "UPDATE rejects SET quarantined_to = ? WHERE load_id = ? AND file_path = ?",
                [str(target), result.load_id, str(f.path)],
            )


def _quarantine_target(path: Path, inbox: Path, load_id: str) -> Path:
    try:
        rel = path.relative_to(inbox)
    except ValueError:
        rel = Path(path.name)
    return Path(load_id) / rel


def _quarantine(result: LoadResult, settings: Settings, inbox: Path) -> None:
    """Move rejected files out of the inbox, never deleting them, each with its reason."""
    for f in result.files:
        if f.status != "rejected" or not f.path.exists():
            continue
        target = settings.quarantine / _quarantine_target(f.path, inbox, result.load_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(f.path), target)
        target.with_name(target.name + ".reason.txt").write_text(
            f"{f.error}\nload {result.load_id}; fix the file and put it back in the inbox.\n", encoding="utf-8"
        )
        f.quarantined_to = target
