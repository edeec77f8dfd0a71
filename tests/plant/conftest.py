"""A real warehouse per test (migrations + views on a DuckDB file) and a loader that drives the
plant_log source the way the pipeline does: extract, record the document, run after_load."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pytest

from etl.catalog import Catalog, load_catalog
from etl.settings import PROJECT_ROOT, Settings
from etl.sources import plant_log
from etl.sources.base import Extracted, SourceContext

CASES = PROJECT_ROOT / "tests" / "cases" / "plant"


def apply_schema(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    for sql in sorted((PROJECT_ROOT / "etl" / "migrations").glob("*.sql")):
        con.execute(sql.read_text())
    for s in catalog.series.values():
        con.execute(
            "INSERT INTO series (series_id, name_zh, name_en, subject, category, unit, display_unit, "
            "display_factor, frequency, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [s.id, s.name_zh, s.name_en, s.subject, s.category, s.unit, s.display_unit, s.display_factor,
             s.frequency, s.kind],
        )
    apply_views(con)


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    for sql in sorted((PROJECT_ROOT / "etl" / "views").glob("*.sql")):
        con.execute(sql.read_text())


@dataclass
class Warehouse:
    settings: Settings
    con: duckdb.DuckDBPyConnection
    catalog: Catalog
    loads: int = 0
    extracted: list[Extracted] = field(default_factory=list)

    def load(self, path: Path) -> Extracted:
        """Extract, record the document, run after_load: what `pulse load` does for one file."""
        self.loads += 1
        load_id = f"20260101T0000{self.loads:02d}Z-test"
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        ctx = SourceContext(self.settings, self.catalog, load_id, con=self.con, sha256=sha)
        got = plant_log.extract(path, ctx)
        self.con.execute(
            "INSERT INTO documents (document_id, sha256, path, file_name, kind, title, size_bytes, simulated, "
            "load_id) VALUES (?, ?, ?, ?, 'plant_log', ?, ?, ?, ?)",
            [sha[:16], sha, str(path), path.name, got.title, path.stat().st_size, got.simulated, load_id],
        )
        assert got.after_load is not None
        got.after_load(self.con)
        self.extracted.append(got)
        return got

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    settings = replace(Settings(), db=tmp_path / "warehouse" / "pulse.duckdb", inbox=tmp_path / "inbox",
                       quarantine=tmp_path / "quarantine")
    settings.db.parent.mkdir(parents=True)
    catalog = load_catalog(settings.catalog)
    con = duckdb.connect(str(settings.db))
    apply_schema(con, catalog)
    yield Warehouse(settings, con, catalog)
    con.close()
