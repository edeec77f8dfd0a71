"""Plant tests: real warehouses (the project's `settings` fixture gives each test its own) loaded
by the real pipeline, and a bare migrated warehouse for hand-made control-chart series."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl import warehouse
from etl.pipeline import LoadResult, run_load
from etl.read import connect_readonly
from etl.settings import Settings
from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases" / "plant"


def load(settings: Settings, *paths: Path) -> LoadResult:
    """Put files into the inbox (under plant/) and run `pulse load`'s pipeline."""
    target = settings.inbox / "plant"
    target.mkdir(parents=True, exist_ok=True)
    for p in paths:
        (target / p.name).write_bytes(p.read_bytes())
    return run_load(settings)


def rows(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = connect_readonly(settings.db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated warehouse with the views, empty: tests insert aggregates by hand."""
    db = tmp_path / "bare" / "pulse.duckdb"
    db.parent.mkdir()
    con = warehouse.open_staging(db)
    warehouse.create_views(con)
    yield con
    con.close()
