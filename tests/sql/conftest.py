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
from etl.read import query, warehouse_version
from etl.settings import Settings, load_settings
from etl.target import LakeTarget
from tests.conftest import put


@dataclass(frozen=True)
class Warehouse:
    settings: Settings
    db: Path
    secret: Path  # a CSV outside the warehouse
    beside: Path  # a CSV beside pulse.duckdb, outside telemetry
    telemetry_csv: Path  # a CSV inside telemetry (allowed)

    def digest(self) -> str:
        """The published file's bytes; on a lake, its snapshot id and metadata row counts."""
        if isinstance(self.db, LakeTarget):
            return f"{warehouse_version(self.db)}:{query(self.db, LAKE_COUNTS).rows()}"
        return sha256(self.db)

    def files(self) -> set[Path]:
        # the app's audit journal (journal.sqlite and its -wal/-shm) is written by the app, not by the query
        journal = journal_path(self.db).name
        lake = set(Path(self.db.data_path).rglob("*")) if isinstance(self.db, LakeTarget) else set()
        return ({p for p in self.db.parent.rglob("*") if not p.name.startswith(journal)} | lake
                | set(self.secret.parent.iterdir()))


LAKE_PASSWORD = "sandbox-must-never-see-this"  # the server trusts loopback, so any password connects
LAKE_COUNTS = ("SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM documents), "
               "(SELECT count(*) FROM loads), (SELECT count(*) FROM rejects)")


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


@pytest.fixture(scope="session")
def lake_template(tmp_path_factory: pytest.TempPathFactory, postgres_server) -> Settings:
    """One lake per session, loaded once: the sandbox tests only read it (and check nothing changed)."""
    root = tmp_path_factory.mktemp("sql_lake")
    inbox = root / "inbox"
    inbox.mkdir()
    settings = load_settings(db=root / "home" / "pulse.duckdb", inbox=inbox, quarantine=root / "q",
                             warehouse=f"ducklake:postgres:{postgres_server.new_database('sql_lake')} "
                                       f"password={LAKE_PASSWORD}",
                             data_path=str(root / "lake"))
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    allowed = Path(settings.db.data_path) / "telemetry"  # the lake's data folder is the readable one
    allowed.mkdir(parents=True)
    (allowed / "notes.csv").write_text("k,v\nok,1\n", encoding="utf-8")
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    return settings


@pytest.fixture
def warehouse(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Warehouse:
    if backend == "lake":
        settings = request.getfixturevalue("lake_template")
        allowed = Path(settings.db.data_path) / "telemetry"
    else:
        settings = request.getfixturevalue("settings")
        warehouse_template = request.getfixturevalue("warehouse_template")
        shutil.copytree(warehouse_template, settings.db.parent, dirs_exist_ok=True)
        add_telemetry(settings.db)  # views name telemetry by absolute path, so made per copy
        allowed = settings.db.parent / "telemetry"
    secret_dir = tmp_path / "private"
    secret_dir.mkdir()
    secret = secret_dir / "secret.csv"
    secret.write_text("password\nhunter2\n", encoding="utf-8")
    beside = settings.db.parent / "beside.csv"
    beside.write_text("password\nhunter2\n", encoding="utf-8")
    return Warehouse(settings, settings.db, secret, beside, allowed / "notes.csv")
