"""Telemetry on both backends: ids loaded before are refused naming their file; on the lake, a
drill-down by day opens only that day's files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.backends import lake
from etl.pipeline import run_load
from etl.plant.simulate import SimConfig, simulate
from etl.read import connect_readonly, query, weld_rows

pytestmark = pytest.mark.backends
START = date(2025, 7, 1)


def weld_logs(settings, days: int = 3) -> list[Path]:
    written = simulate(SimConfig(START, days, seed=3, weld_interval_s=600.0, group="day"), settings.inbox / "plant")
    return [p for p in written if "weld" in p.name]


def test_a_reexport_of_loaded_welds_is_quarantined_naming_the_first_file(settings):
    first = weld_logs(settings, 1)[0]
    assert run_load(settings).count("loaded") == 2
    again = first.with_name("again_" + first.name)  # the same welds, another file (CRLF: another sha256)
    lines = first.read_text(encoding="utf-8").splitlines()
    again.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    result = run_load(settings)
    outcome = next(f for f in result.files if f.path.name == again.name)
    assert outcome.status == "rejected"
    assert outcome.error.startswith(f"{again.name}: {len(lines) - 1:,} of {len(lines) - 1:,} rows are bad (e.g. ")
    assert f"is already loaded from {first.name}); the whole file is quarantined" in outcome.error
    assert query(settings.db, "SELECT count(*) FROM welds_raw()").item() == len(lines) - 1


def test_a_drill_down_by_day_reads_only_that_days_files(settings, backend):
    if backend == "file":
        pytest.skip("the file backend's pruning is by listed part (tests/plant/test_parts_listing.py)")
    weld_logs(settings)
    run_load(settings)
    con = lake.connect(settings.db)
    try:
        files = [r[0] for r in con.execute("SELECT data_file FROM ducklake_list_files('pulse', 'telemetry_weld')").fetchall()]
    finally:
        con.close()
    other_days = [Path(f) for f in files if "date=2025-07-02" not in f]
    assert other_days and len(other_days) < len(files)
    for f in other_days:  # if the drill-down opened another day's file, it would now fail
        f.rename(f.with_name(f.name + ".gone"))
    with connect_readonly(settings.db) as con:
        assert weld_rows(con, date(2025, 7, 2), robot="R3").height > 0
        with pytest.raises(Exception, match="gone|No files found|No such file"):
            con.execute("SELECT sum(current_a) FROM welds_raw()").fetchall()  # count(*) comes from metadata
