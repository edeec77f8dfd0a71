"""The lake's snapshots: the version is the snapshot id, and a reader can ask for an earlier one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from etl.errors import WarehouseMissing
from etl.pipeline import run_load
from etl.read import as_of, query, warehouse_info
from tests.conftest import run_pulse, warehouse_env

HEADER = "series_id,period_start,period_end,value,unit\n"


@pytest.fixture
def backend() -> str:
    return "lake"


def test_a_reader_as_of_a_time_between_two_loads_sees_the_first(settings):
    (settings.inbox / "first.csv").write_text(HEADER + "nf10_output,2024-01-01,2024-12-31,7918,万吨\n", encoding="utf-8")
    first = run_load(settings)
    between = datetime.now(UTC)
    (settings.inbox / "revised.csv").write_text(HEADER + "nf10_output,2024-01-01,2024-12-31,7919.5,万吨\n",
                                                encoding="utf-8")
    second = run_load(settings)
    assert (first.published_version, second.published_version) == (1, 2)
    assert warehouse_info(settings.db).number == 2
    sql = "SELECT value, document FROM v_observations"
    assert query(settings.db, sql).rows() == [(79_195_000.0, "revised.csv")]
    assert query(as_of(settings.db, between), sql).rows() == [(79_180_000.0, "first.csv")]


def test_a_time_before_the_first_load_has_no_warehouse(settings):
    (settings.inbox / "first.csv").write_text(HEADER + "nf10_output,2024-01-01,2024-12-31,7918,万吨\n", encoding="utf-8")
    run_load(settings)
    with pytest.raises(WarehouseMissing, match=r"has no snapshot as of .*; pick a later time\.$"):
        query(as_of(settings.db, datetime.now(UTC) - timedelta(days=3650)), "SELECT 1")


def test_brief_as_of_a_day_renders_from_that_days_snapshot(settings, tmp_path):
    (settings.inbox / "first.csv").write_text(HEADER + "nf10_output,2024-01-01,2024-12-31,7918,万吨\n", encoding="utf-8")
    run_load(settings)
    env = {**warehouse_env(settings), "PULSE_INBOX": str(settings.inbox)}
    old = run_pulse("brief", "monthly_industry", "--as-of", (date.today() - timedelta(days=3650)).isoformat(),
                    "--out", str(tmp_path / "old.png"), env=env)
    assert old.returncode == 1 and "has no snapshot as of" in old.stderr
