"""The simulator: calibration to the published figures, determinism, excursions, the bundled history."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import polars as pl
import pytest

from etl.pipeline import run_load
from etl.plant.simulate import (
    BATCHES_PER_DAY,
    ROBOTS,
    SimConfig,
    bundled_config,
    ensure_bundled_history,
    gallium_day,
    simulate,
    weld_day,
)
from tests.conftest import run_pulse
from tests.plant.conftest import rows

START = date(2024, 1, 1)
YEAR = [START + timedelta(days=i) for i in range(366)]


@cache
def year() -> tuple[pl.DataFrame, pl.DataFrame]:
    """A year of seed 3, one weld per robot every 4 minutes (the calibration does not depend on the rate)."""
    welds = pl.concat([weld_day(d, seed=3, interval_s=240).select("ts", "robot", "result") for d in YEAR])
    return welds, pl.concat([gallium_day(d, seed=3) for d in YEAR])


def test_a_long_run_is_calibrated_to_the_published_figures():
    welds, batches = year()
    pass_rate = 100 * (welds["result"] == "pass").mean()
    recovery = 100 * batches["gallium_recovered_kg"].sum() / batches["gallium_in_kg"].sum()
    assert welds.height == 366 * 6 * 360
    assert abs(pass_rate - 99.9) < 0.03, pass_rate  # published weld pass rate 99.9 %
    assert abs(recovery - 84.6) < 0.3, recovery  # published gallium recovery 84.6 %


def test_the_year_has_excursions_for_the_control_charts():
    welds, batches = year()
    fail = welds.group_by(pl.col("ts").dt.date(), "robot").agg(p=(pl.col("result") == "fail").mean())
    assert fail.filter(pl.col("p") > 0.015).height >= 3  # robot-days out of control (base rate ~0.1 %)
    recovery = batches.select(
        r=pl.col("gallium_recovered_kg") / pl.col("gallium_in_kg"))["r"]
    assert (recovery < 0.80).sum() >= 8  # bad batch runs
    assert 0.0 < (recovery < 0.80).mean() < 0.05


def test_a_days_rows_depend_only_on_seed_and_day():
    d = date(2025, 5, 17)
    assert weld_day(d, seed=1, interval_s=600).equals(weld_day(d, seed=1, interval_s=600))
    assert not weld_day(d, seed=2, interval_s=600).equals(weld_day(d, seed=1, interval_s=600))
    assert gallium_day(d, 1).equals(gallium_day(d, 1))
    day = weld_day(d, seed=1, interval_s=600)
    assert day.height == 6 * 144 and day["weld_id"].n_unique() == day.height
    assert day["ts"].is_sorted() and day["ts"].dt.date().unique().to_list() == [d]
    assert sorted(day["robot"].unique()) == list(ROBOTS)


def test_simulate_writes_the_same_files_for_the_same_seed_marked_simulated(tmp_path):
    cfg = SimConfig(date(2025, 1, 30), 3, seed=5, weld_interval_s=900)
    first = simulate(cfg, tmp_path / "a")
    simulate(SimConfig(date(2025, 1, 31), 2, seed=5, weld_interval_s=900), tmp_path / "b")
    assert [p.name for p in first] == [
        "sim_weld_W1_2025-01-30.csv", "sim_gallium_GA1_2025-01-30.csv",
        "sim_weld_W1_2025-01-31.csv", "sim_gallium_GA1_2025-01-31.csv",
        "sim_weld_W1_2025-02-01.csv", "sim_gallium_GA1_2025-02-01.csv",
    ]
    assert (tmp_path / "a" / "sim_weld_W1_2025-02-01.csv").read_bytes() == (
        tmp_path / "b" / "sim_weld_W1_2025-02-01.csv").read_bytes()
    ga = pl.read_csv(tmp_path / "a" / "sim_gallium_GA1_2025-01-30.csv")
    assert ga.height == BATCHES_PER_DAY and ga["simulated"].to_list() == [True] * BATCHES_PER_DAY
    monthly = simulate(SimConfig(date(2025, 1, 30), 3, 5, 900, "month", "parquet"), tmp_path / "m")
    assert [p.name for p in monthly] == [
        "sim_weld_W1_2025-01.parquet", "sim_gallium_GA1_2025-01.csv",
        "sim_weld_W1_2025-02.parquet", "sim_gallium_GA1_2025-02.csv",
    ]
    assert pl.read_parquet(monthly[0]).height == 2 * 6 * 96


def test_pulse_simulate_command(tmp_path):
    done = run_pulse("simulate", "--days", "1", "--start", "2025-02-01", "--seed", "9", "--out", str(tmp_path),
                     "--weld-interval", "3600")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim_gallium_GA1_2025-02-01.csv",
                                                           "sim_weld_W1_2025-02-01.csv"]
    assert pl.read_csv(tmp_path / "sim_weld_W1_2025-02-01.csv").height == 6 * 24
    bad = run_pulse("simulate", "--days", "0")
    assert bad.returncode == 2 and "0 is not in the range" in bad.stderr


@pytest.mark.slow
def test_the_bundled_history_is_written_once_and_loads_as_simulated_kpis(settings):
    written = ensure_bundled_history(settings.inbox)
    cfg = bundled_config()
    assert [p.name for p in written] == [
        f"sim_{k}_{line}_2025-{m:02d}_bundled-every30s.{ext}"
        for m in (7, 8, 9) for k, line, ext in (("weld", "W1", "parquet"), ("gallium", "GA1", "csv"))
    ]
    assert ensure_bundled_history(settings.inbox) == []
    result = run_load(settings)
    assert [f.status for f in result.files] == ["loaded"] * 6
    assert rows(settings, "SELECT count(DISTINCT day), count(*), sum(welds), bool_and(simulated) FROM v_weld_daily") == [
        (cfg.days, cfg.days * 6, cfg.days * 6 * 2880, True)]
    assert rows(settings, "SELECT count(*) FROM v_gallium_batches WHERE simulated") == [(cfg.days * BATCHES_PER_DAY,)]
    series = rows(settings, "SELECT count(DISTINCT series_id), bool_and(simulated) FROM v_observations "
                            "WHERE category = 'plant'")
    assert series == [(28, True)]  # every plant series but failed welds without a defect code
    charts = rows(settings, "SELECT DISTINCT chart FROM v_spc_alerts ORDER BY 1")
    assert charts == [("i",), ("mr",), ("p",)]
