"""A warehouse from before `telemetry_parts` keeps its telemetry: its parts are adopted and published."""

from __future__ import annotations

import os

from etl import warehouse
from etl.pipeline import run_load
from tests.plant.conftest import CASES, load, rows


def test_parts_of_a_warehouse_without_the_listing_are_adopted_on_the_next_load(settings):
    load(settings, CASES / "welds_clean.csv")
    with warehouse.writer_lock(settings.db):  # make it a warehouse as the previous version wrote it
        con = warehouse.open_staging(settings.db)
        con.execute("DROP MACRO TABLE welds_raw")
        con.execute("DROP MACRO TABLE gallium_raw")
        con.execute("DROP TABLE telemetry_parts")
        con.execute("DELETE FROM schema_migrations WHERE name = '004_telemetry_parts.sql'")
        con.execute("CHECKPOINT")
        con.close()
        os.replace(warehouse.staging_path(settings.db), settings.db)
    again = run_load(settings)  # nothing new in the inbox, but the warehouse was migrated
    assert again.published_version == 2 and again.count("skipped") == 1
    assert rows(settings, "SELECT kind, plant, day::VARCHAR, rows, load_id FROM telemetry_parts") == [
        ("weld", "smelter1", "2025-03-01", 10, "adopted")]
    assert rows(settings, "SELECT count(*) FROM welds_raw()") == [(10,)]
    assert len(list(settings.telemetry_dir.rglob("*.parquet"))) == 1  # adopted, not removed as an orphan
