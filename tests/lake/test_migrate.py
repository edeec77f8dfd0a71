"""`pulse migrate`: a file warehouse (tables, plant logs, a held vintage) copied into a real lake."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from etl.errors import PulseError
from etl.migrate import migrate
from etl.pipeline import run_load
from etl.plant.simulate import SimConfig, simulate
from etl.read import connect_readonly, query, weld_rows
from etl.settings import load_settings
from tests.conftest import CASES, run_pulse

SAME = [
    "SELECT series_id, period_end, value, vintages, document FROM v_observations ORDER BY ALL",
    "SELECT obs_id, series_id, value, status, load_id FROM observations ORDER BY obs_id",
    "SELECT document_id, file_name, load_id FROM documents ORDER BY ALL",
    "SELECT load_id, files_loaded, rows_loaded FROM loads ORDER BY ALL",
    "SELECT file_path, row_number, reason FROM rejects ORDER BY ALL",
    "SELECT * FROM v_weld_daily ORDER BY ALL",
]


@pytest.fixture
def file_warehouse(settings):
    shutil.copy(CASES / "dashboard" / "reference_subset.csv", settings.inbox)
    shutil.copy(CASES / "tables" / "non_numeric_value.csv", settings.inbox)  # a reject to carry over
    simulate(SimConfig(date(2025, 7, 1), 3, seed=7, weld_interval_s=300.0, group="month"), settings.inbox / "plant")
    run_load(settings)
    return settings


def lake_for(settings, postgres_server, tmp_path, name):
    return load_settings(db=settings.db, inbox=settings.inbox, quarantine=settings.quarantine,
                         warehouse="ducklake:postgres:" + postgres_server.new_database(name),
                         data_path=str(tmp_path / "lake"))


def test_the_lake_holds_what_the_file_held_and_loads_on_from_there(file_warehouse, postgres_server, tmp_path):
    lake = lake_for(file_warehouse, postgres_server, tmp_path, "migrate_all")
    done = migrate(file_warehouse.db, lake.db)
    assert done.rows["telemetry_weld"] == query(file_warehouse.db, "SELECT count(*) FROM welds_raw()").item()
    for sql in SAME:
        assert query(lake.db, sql).rows() == query(file_warehouse.db, sql).rows(), sql
    with connect_readonly(file_warehouse.db) as a, connect_readonly(lake.db) as b:
        day = date(2025, 7, 2)
        assert weld_rows(b, day, robot="R3").rows() == weld_rows(a, day, robot="R3").rows()
    again = run_load(lake)  # every file is known to the lake: nothing new
    assert again.published_version is None and again.count("loaded") == 0


def test_a_lake_that_holds_documents_is_refused(file_warehouse, postgres_server, tmp_path):
    lake = lake_for(file_warehouse, postgres_server, tmp_path, "migrate_twice")
    migrate(file_warehouse.db, lake.db)
    with pytest.raises(PulseError, match=r"already holds documents; migrate into a new, empty lake\.$"):
        migrate(file_warehouse.db, lake.db)


def test_the_command_prints_the_checked_counts(file_warehouse, postgres_server, tmp_path):
    to = "ducklake:postgres:" + postgres_server.new_database("migrate_cli")
    done = run_pulse("migrate", "--db", str(file_warehouse.db), "--to", to, "--data-path", str(tmp_path / "lake"))
    assert done.returncode == 0, done.stderr
    observations = query(file_warehouse.db, "SELECT count(*) FROM observations").item()
    assert f"observations: {observations:,} rows" in done.stdout
    assert "counts and sums match" in done.stderr
