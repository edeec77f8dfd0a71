"""`pulse load`: scan -> (per file) detect -> extract -> normalize -> load -> derive -> publish -> quarantine.

Stages and their modules (docs/architecture.md lists their inputs and outputs):
  scan        etl.scan        the inbox -> files to read, and files skipped with a notice
  detect..load etl.load_file  one file in its own transaction on the staging warehouse
  derive      etl.plant.kpi   .sql models over what the load added (plant aggregates, KPI observations)
  publish     etl.warehouse   one atomic rename publishes the rows and lists the telemetry parts
                              (on DuckLake: the commit of the load's one transaction, a new snapshot)
  quarantine  etl.quarantine  rejected files leave the inbox, each with a one-line reason

Files already loaded (same sha256) are skipped, so a second run changes nothing and publishes
nothing. Telemetry parts no published warehouse lists (a killed load's) are removed first.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import version as pkg_version
from pathlib import Path

import duckdb

from etl import warehouse
from etl.catalog import Catalog, load_catalog
from etl.errors import PulseError
from etl.load_file import FileJob, FileOutcome, load_file, sha256_of
from etl.logfile import write_traceback
from etl.plant import kpi
from etl.quarantine import quarantine_file, target_of
from etl.remap import remap_unmapped
from etl.scan import scan_inbox
from etl.settings import Settings
from etl.testhooks import pause_at

__all__ = ["FileOutcome", "LoadResult", "run_load", "scan_inbox", "sha256_of"]

log = logging.getLogger("pulse.load")
Progress = Callable[[str, int, int], None]  # (message, done, total)


@dataclass
class LoadResult:
    load_id: str
    files: list[FileOutcome] = field(default_factory=list)
    published_version: int | None = None
    remapped: int = 0
    notices: list[str] = field(default_factory=list)  # files the scan skipped, "no files found"

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


def run_load(
    settings: Settings,
    inbox: Path | None = None,
    published: date | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load every new file of the inbox into a new published warehouse version.

    When another writer's commit conflicts with this one's (DuckLake), the load runs again on the
    new state, at most warehouse.MAX_TRIES times; files the other writer loaded are then skipped."""
    inbox = inbox or settings.inbox
    catalog = load_catalog(settings.catalog)
    for attempt in range(1, warehouse.MAX_TRIES + 1):
        try:
            result = _load_once(settings, inbox, published, progress, catalog)
        except duckdb.Error as exc:
            if not warehouse.is_conflict(exc):
                raise
            if attempt == warehouse.MAX_TRIES:
                raise warehouse.conflict_error("the load", attempt, exc) from None
            log.warning("load: another writer committed first (%s); running the load again (attempt %d of %d)",
                        str(exc).splitlines()[-1], attempt + 1, warehouse.MAX_TRIES)
            continue
        pause_at("quarantine")
        _quarantine(result, settings, inbox)
        return result
    raise AssertionError("unreachable")


def _load_once(settings: Settings, inbox: Path, published: date | None, progress: Progress | None,
               catalog: Catalog) -> LoadResult:
    result = LoadResult(new_load_id())
    tell = progress or (lambda *_: None)
    with warehouse.writer_lock(settings.db):
        migrated: list[str] = []
        con = warehouse.open_staging(settings.db, migrated)
        try:
            warehouse.prepare_load(con, settings.db)
            pause_at("scan")
            scan = scan_inbox(inbox, settings)
            result.notices = [notice for _, notice in scan.skipped]
            if not scan.files:
                result.notices.append(f"no file to load in {inbox}: every file found was skipped" if scan.skipped
                                      else f"no files found in {inbox}")
            started = datetime.now(UTC)
            warehouse.refresh_catalog(con, catalog, force=bool(migrated))
            job = FileJob(con, settings, catalog, result.load_id, published, signatures=scan.signatures,
                          known={r[0] for r in con.execute("SELECT sha256 FROM documents").fetchall()})
            changed = _catalog_changed(con, settings.catalog) or bool(migrated)
            for i, path in enumerate(scan.files):
                tell(path.name, i, len(scan.files))
                result.files.append(load_file(job, path))
            tell("publishing", len(scan.files), len(scan.files))
            if not result.count("loaded") and not result.count("rejected") and not changed:
                warehouse.discard_staging(con, settings.db)
                return result
            _derive(con, settings, result, catalog)
            _record_load(con, result, inbox, started)
            pause_at("publish")
            result.published_version = warehouse.publish(con, settings.db)
        except BaseException:
            warehouse.discard_staging(con, settings.db)
            raise
    return result


def _derive(con: duckdb.DuckDBPyConnection, settings: Settings, result: LoadResult, catalog: Catalog) -> None:
    """Stage 6: the derived models, once for the whole load, after every file is in."""
    pause_at("derive")
    try:
        kpi.derive(con, settings.warehouse_dir, result.load_id)
        warehouse.fill_ids(con)  # the KPI observations inserted by SQL
        result.remapped = remap_unmapped(con, catalog)
    except (duckdb.Error, OSError) as exc:
        where = write_traceback(settings.db, f"load {result.load_id} stage derive", exc)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PulseError(f"load {result.load_id}: the derive stage failed ({first}); nothing was published, "
                         f"see {where}.") from exc


def _catalog_changed(con: duckdb.DuckDBPyConnection, catalog_path: Path) -> bool:
    digest = sha256_of(catalog_path)
    row = con.execute("SELECT value FROM warehouse_info WHERE key = 'catalog_sha256'").fetchone()
    if row is None or row[0] != digest:
        warehouse.set_info(con, "catalog_sha256", digest)
    return row is None or row[0] != digest


def _record_load(con: duckdb.DuckDBPyConnection, result: LoadResult, inbox: Path, started: datetime) -> None:
    con.execute(
        "INSERT INTO loads VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [result.load_id, started, datetime.now(UTC), str(inbox), len(result.files), result.count("loaded"),
         result.count("skipped"), result.count("rejected"), result.rows,
         sum(f.rows_rejected for f in result.files), pkg_version("pulse")],
    )
    for f in result.files:
        if f.status == "rejected":
            con.execute(
                "UPDATE rejects SET quarantined_to = ? WHERE load_id = ? AND file_path = ?",
                [str(target_of(f.path, inbox, result.load_id)), result.load_id, str(f.path)],
            )


def _quarantine(result: LoadResult, settings: Settings, inbox: Path) -> None:
    """Stage 8: move rejected files out of the inbox, never deleting them; never stops the load."""
    for f in result.files:
        if f.status != "rejected" or not f.path.exists():
            continue
        target = settings.quarantine / target_of(f.path, inbox, result.load_id)
        try:
            f.quarantined_to = quarantine_file(f.path, target, f.error or "rejected", result.load_id)
        except OSError as exc:
            where = write_traceback(settings.db, f"load {result.load_id} stage quarantine file {f.path}", exc)
            result.notices.append(f"{f.path.name} could not be moved to the quarantine ({exc.strerror}); "
                                  f"it stays in the inbox, see {where}.")
