"""A real warehouse for every SQL test: loaded by the real pipeline, plus telemetry Parquet under
<warehouse>/telemetry with a view over it, and files outside telemetry the sandbox must not read."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from etl.journal import journal_path
from etl.pipeline import run_load
from etl.settings import Settings, load_settings
from tests.conftest import put


@dataclass(frozen=True)
class Warehouse:
    settings: Settings
    db: Path
    secret: Path  # a CSV outside the warehouse
    beside: Path  # a CSV beside pulse.duckdb, outside telemetry
    telemetry_csv: Path  # a CSV inside telemetry (allowed)

    def digest(self) -> str:
        return sha256(self.db)

    def files(self) -> set[Path]:
        # the app's audit journal (journal.sqlite and its -wal/-shm) is written by the app, not by the query
        journal = journal_path(self.db).name
        return {p for p in self.db.parent.rglob("*") if not p.name.startswith(journal)} | set(self.secret.parent.iterdir())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_telemetry(db: Path) -> None:
    """Hive-partitioned weld Parquet and a view reading it by a path relative to the warehouse."""
    part = db.parent / "telemetry" / "weld" / "plant=p1" / "date=2025-01-01"
    part.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.execute(f"""COPY (SELECT range AS weld_no, 1200.0 + range AS current_a, range % 50 <> 0 AS passed
                             FROM range(200)) TO '{part / "part-0.parquet"}' (FORMAT parquet)""")
        # absolute path: DuckDB checks allowed_directories against the path as written, before
        # file_search_path resolves a relative one, so a relative view is refused in the sandbox
        con.execute(f"""CREATE OR REPLACE VIEW v_weld_test AS SELECT * FROM read_parquet(
                        '{db.parent / "telemetry"}/weld/*/*/*.parquet', hive_partitioning = true)""")
        con.execute(f"SET file_search_path = '{db.parent}'")
        con.execute("""CREATE OR REPLACE VIEW v_weld_relative AS SELECT * FROM read_parquet(
                        'telemetry/weld/*/*/*.parquet', hive_partitioning = true)""")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    (db.parent / "telemetry" / "notes.csv").write_text("k,v\nok,1\n", encoding="utf-8")


@pytest.fixture(scope="session")
def warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real load per test session; each test gets a copy of its warehouse folder."""
    root = tmp_path_factory.mktemp("sql_template")
    inbox = root / "inbox"
    inbox.mkdir()
    settings = load_settings(db=root / "warehouse" / "pulse.duckdb", inbox=inbox, quarantine=root / "q")
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    return settings.db.parent


@pytest.fixture
def warehouse(settings: Settings, tmp_path: Path, warehouse_template: Path) -> Warehouse:
    shutil.copytree(warehouse_template, settings.db.parent, dirs_exist_ok=True)
    add_telemetry(settings.db)  # views name telemetry by absolute path, so made per copy
    secret_dir = tmp_path / "private"
    secret_dir.mkdir()
    secret = secret_dir / "secret.csv"
    secret.write_text("password\nhunter2\n", encoding="utf-8")
    beside = settings.db.parent / "beside.csv"
    beside.write_text("password\nhunter2\n", encoding="utf-8")
    return Warehouse(settings, settings.db, secret, beside, settings.db.parent / "telemetry" / "notes.csv")
