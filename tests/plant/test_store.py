"""Storing a plant file's staged rows (etl.plant.store) and the aggregates computed from them."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.plant import kpi
from etl.plant.schema import WELD
from etl.plant.store import store_telemetry
from etl.plant.telemetry import Part, Validated, validate
from tests.plant.conftest import CASES, load, rows

INTERLEAVED = CASES / "welds_two_plants_two_days_interleaved.csv"


def staged(path: Path, tmp_path: Path) -> Validated:
    return validate(path, WELD, hashlib.sha256(path.read_bytes()).hexdigest(), [], tmp_path / "telemetry")


def written(tmp_path: Path, part: Part) -> list[str]:
    return pl.read_parquet(tmp_path / part.path).sort("weld_id")["weld_id"].to_list()


def test_one_part_per_plant_and_day_with_exactly_that_days_rows(tmp_path):
    got = staged(INTERLEAVED, tmp_path)
    try:
        parts = store_telemetry(duckdb.connect(), got, tmp_path, "load-1", got.sha256[:16])
    finally:
        got.close()
    doc = got.sha256[:16]
    assert parts == [
        Part(f"telemetry/weld/plant=smelter 2/date=2025-03-01/part-load-1-{doc}.parquet", "weld", "smelter 2",
             date(2025, 3, 1), 1),
        Part(f"telemetry/weld/plant=smelter 2/date=2025-03-02/part-load-1-{doc}.parquet", "weld", "smelter 2",
             date(2025, 3, 2), 1),
        Part(f"telemetry/weld/plant=smelter1/date=2025-03-01/part-load-1-{doc}.parquet", "weld", "smelter1",
             date(2025, 3, 1), 3),
        Part(f"telemetry/weld/plant=smelter1/date=2025-03-02/part-load-1-{doc}.parquet", "weld", "smelter1",
             date(2025, 3, 2), 2),
    ]
    assert [written(tmp_path, p) for p in parts] == [
        ["W1-20250301-R1-900002"], ["W1-20250302-R2-900005"],
        ["W1-20250301-R1-900001", "W1-20250301-R2-900004", "W1-20250301-R3-900007"],
        ["W1-20250302-R1-900003", "W1-20250302-R2-900006"]]
    assert pl.read_parquet(tmp_path / parts[0].path).columns == [
        "ts", "line", "robot", "cathode_id", "weld_id", "current_a", "temperature_c", "vdrop_mv", "passed",
        "defect_code", "simulated", "document_id"]
    on_disk = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "telemetry").rglob("*") if p.is_file())
    assert on_disk == sorted(p.path for p in parts)  # the scratch folder of the one COPY is gone


def test_a_day_duckdb_writes_as_several_files_becomes_one_part(tmp_path):
    """Past its open-file limit DuckDB closes a partition's file and opens another when the day comes
    back (here: 3 files for 2025-03-01 and 2 for 2025-03-02, checked by hand); the layout still has one part per day."""
    header = "ts,plant,line,robot,cathode_id,weld_id,current_a,temperature_c,vdrop_mv,result,defect_code\n"
    runs = [("01", 20_000), ("02", 20_000), ("01", 20_000)]  # runs longer than the write's flush threshold
    body = "".join(f"2025-03-{day} 10:00:00,p,W1,R1,C1,W{run}-{i},14000,480,11,pass,\n"
                   for run, (day, n) in enumerate(runs) for i in range(n))
    path = tmp_path / "days_in_runs.csv"
    path.write_text(header + body)
    got = staged(path, tmp_path)
    assert got.con is not None
    got.con.execute("SET partitioned_write_max_open_files = 1")
    try:
        parts = store_telemetry(duckdb.connect(), got, tmp_path, "load-1", got.sha256[:16])
    finally:
        got.close()
    assert [(p.day, p.rows) for p in parts] == [(date(2025, 3, 1), 40_000), (date(2025, 3, 2), 20_000)]
    day1 = pl.read_parquet(tmp_path / parts[0].path)["weld_id"]
    assert (day1.n_unique(), day1.str.starts_with("W1-").sum()) == (40_000, 0)
    assert sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "telemetry").rglob("*") if p.is_file()) == [
        p.path for p in parts]


def test_two_files_of_one_day_in_one_load_give_the_whole_days_aggregates(settings):
    """The second file's aggregates are computed from its staged rows plus the first file's part."""
    load(settings, CASES / "welds_clean.csv", CASES / "late_welds_for_2025-03-01.csv")
    whole = rows(settings, "SELECT count(*), count(*) FILTER (WHERE passed), quantile_cont(vdrop_mv, 0.5), "
                           "quantile_cont(vdrop_mv, 0.95) FROM welds_raw() WHERE date = '2025-03-01'")
    assert whole[0][0] == 30
    assert rows(settings, "SELECT welds, passed, vdrop_p50_mv, vdrop_p95_mv FROM v_weld_line_daily "
                          "WHERE day = '2025-03-01'") == whole
    assert rows(settings, "SELECT value FROM v_observations WHERE series_id = 'plant_w1_welds_d'") == [(30.0,)]


@pytest.mark.parametrize("days_per_batch", [7, 2])
def test_aggregates_computed_a_few_days_at_a_time_equal_those_over_the_stored_rows(settings, tmp_path,
                                                                                    monkeypatch, days_per_batch):
    monkeypatch.setattr(kpi, "DAYS_PER_BATCH", days_per_batch)
    header = "ts,plant,line,robot,cathode_id,weld_id,current_a,temperature_c,vdrop_mv,result,defect_code\n"
    body = "".join(f"2025-03-{1 + i % 9:02d} {i % 24:02d}:00:00,smelter1,W1,R{i % 3},C1,W1-{i},{14000 + i},480,"
                   f"{10 + (i * 7) % 13},{'fail' if i % 5 == 0 else 'pass'},{'POR' if i % 5 == 0 else ''}\n"
                   for i in range(900))
    path = tmp_path / "welds_nine_days.csv"
    path.write_text(header + body)
    load(settings, path)
    assert rows(settings, "SELECT day, welds, passed, vdrop_p50_mv, vdrop_p95_mv, vdrop_p99_mv FROM v_weld_line_daily "
                          "ORDER BY day") == rows(settings, """
        SELECT date, count(*), count(*) FILTER (WHERE passed), quantile_cont(vdrop_mv, 0.5),
               quantile_cont(vdrop_mv, 0.95), quantile_cont(vdrop_mv, 0.99)
        FROM welds_raw() GROUP BY date ORDER BY date""")
    assert rows(settings, "SELECT count(*), sum(welds) FROM plant_weld_robot_shift") == [(27, 900)]  # a robot a day (i % 3 follows i % 9), 3 shifts
    assert rows(settings, "SELECT sum(welds) FROM plant_weld_defects") == [(180,)]
