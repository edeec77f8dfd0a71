"""Two real `pulse load` processes write one DuckLake at the same time while a third reads it; and a
writer SIGKILLed mid-load leaves the lake as it was.

The lake's catalog is a database on the session's real PostgreSQL, its data files in tmp_path. The
two writers load different plants' logs (smelter1's welds, alumina1's gallium batches, from
`pulse simulate`). PULSE_TEST_PAUSE_AT=publish with PULSE_TEST_RELEASE holds both loads at the
commit with their rows written (etl.testhooks), so the two transactions are open at the same time
for certain, and lets them commit together. The reader (tests/lake/reader.py) records every read as
(snapshot id, rows per plant): a plant's rows are 0 or all of them, never part of a load.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.lake.conftest import PLANTS, Lake, PlantLogs, kill_group, wait_for
from tests.servers.offline_duckdb import offline_connection

pytestmark = pytest.mark.slow

LOAD = ["-m", "dashboard", "load"]
READER = ["-m", "tests.lake.reader"]


def loaded_line(files: int, rows: int) -> str:
    return f"{files} file(s) loaded ({rows} rows), 0 skipped, 0 rejected"


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def wait_for_a_read_after(reads: Path, count: int, reader, log: Path) -> None:
    """Until the reader recorded a read after the first `count` ones (so it read in the window we hold)."""
    while len(read_lines(reads)) <= count:
        if reader.poll() is not None:
            raise AssertionError(f"the reader ended (exit {reader.returncode}):\n{log.read_text()}")
        time.sleep(0.05)


def test_two_plants_load_at_once_both_land_and_a_reader_sees_whole_snapshots_only(
        lake: Lake, plant_logs: PlantLogs, tmp_path: Path):
    lake.load(lake.inbox("empty"))  # the schema first, so every read below has tables to read
    before = lake.state()
    assert (before["smelter1"], before["alumina1"]) == (0, 0)
    reads, stop, release = tmp_path / "reads.jsonl", tmp_path / "stop-reading", tmp_path / "release"
    reader_log = tmp_path / "reader.log"
    reader = lake.start([*READER, str(reads), str(stop)], reader_log)
    writers, logs = {}, {plant: tmp_path / f"load-{plant}.log" for plant in PLANTS}
    try:
        for plant in PLANTS:
            writers[plant] = lake.start(LOAD, logs[plant], inbox=lake.inbox(plant, plant_logs.files[plant]),
                                        PULSE_TEST_PAUSE_AT="publish", PULSE_TEST_RELEASE=str(release),
                                        PULSE_TEST_PAUSE_MARKER=str(tmp_path / f"paused-{plant}"))
        for plant, writer in writers.items():
            wait_for(tmp_path / f"paused-{plant}", writer, logs[plant])
        # both transactions are open with every row written; nothing of them is visible yet
        assert lake.state() == before
        wait_for_a_read_after(reads, len(read_lines(reads)), reader, reader_log)
        release.touch()
        for plant, writer in writers.items():
            assert writer.wait(timeout=240) == 0, logs[plant].read_text()
            assert loaded_line(len(plant_logs.files[plant]), plant_logs.rows[plant]) in logs[plant].read_text()
        stop.touch()
        assert reader.wait(timeout=120) == 0, reader_log.read_text()
    finally:
        release.touch()
        for process in (*writers.values(), reader):
            kill_group(process)

    after = lake.state()
    files = sum(len(fs) for fs in plant_logs.files.values())
    assert {k: after[k] for k in ("snapshot", "smelter1", "alumina1", "loads", "documents")} == {
        "snapshot": before["snapshot"] + 2,  # one snapshot per load: a retried commit adds none of its own
        **plant_logs.rows, "loads": before["loads"] + 2, "documents": before["documents"] + files}
    assert after["observations"] > before["observations"]  # both loads' KPI observations

    records = read_lines(reads)
    assert [r for r in records if "error" in r] == []
    full = plant_logs.rows
    partial = [r for r in records if any(r[p] not in (0, full[p]) for p in PLANTS)]
    assert partial == [], "a read saw part of a load"
    per_snapshot = {}
    for r in records:
        per_snapshot.setdefault(r["snapshot"], set()).add((r["smelter1"], r["alumina1"]))
    assert all(len(seen) == 1 for seen in per_snapshot.values()), per_snapshot  # a snapshot never changes
    assert [r["snapshot"] for r in records] == sorted(r["snapshot"] for r in records)
    assert set(per_snapshot) <= {before["snapshot"], before["snapshot"] + 1, after["snapshot"]}
    assert per_snapshot[before["snapshot"]] == {(0, 0)}
    assert records[-1] == {"snapshot": after["snapshot"], **full}


# "new database": both ATTACHes create DuckLake's own catalog at once; the second one's duplicate key
# is retried by etl/backends/lake._attach (it was an xfail before).


def make_ducklake_catalog(lake: Lake, tmp_path: Path) -> None:
    """DuckLake's metadata tables in the database (an ATTACH makes them), but not Pulse's schema."""
    con = offline_connection(tmp_path / "ext")
    try:
        con.execute(f"ATTACH 'ducklake:postgres:{lake.dsn}' AS first (DATA_PATH '{lake.data}/')")
    finally:
        con.close()


@pytest.mark.parametrize("start", [
    "new database",
    "ducklake catalog made"])
def test_two_first_loads_on_a_new_lake_both_land(lake: Lake, plant_logs: PlantLogs, tmp_path: Path, start: str):
    """Both create Pulse's schema in their own transaction; the one that commits second retries on
    the schema the first one made (two plants set up on the same day)."""
    if start == "ducklake catalog made":
        make_ducklake_catalog(lake, tmp_path)
    release, writers = tmp_path / "release", {}
    logs = {plant: tmp_path / f"load-{plant}.log" for plant in PLANTS}
    try:
        for plant in PLANTS:
            writers[plant] = lake.start(LOAD, logs[plant], inbox=lake.inbox(plant, plant_logs.files[plant]),
                                        PULSE_TEST_PAUSE_AT="publish", PULSE_TEST_RELEASE=str(release),
                                        PULSE_TEST_PAUSE_MARKER=str(tmp_path / f"paused-{plant}"))
        for plant, writer in writers.items():
            wait_for(tmp_path / f"paused-{plant}", writer, logs[plant])
        release.touch()
        for plant, writer in writers.items():
            assert writer.wait(timeout=240) == 0, logs[plant].read_text()
            assert loaded_line(len(plant_logs.files[plant]), plant_logs.rows[plant]) in logs[plant].read_text()
    finally:
        release.touch()
        for process in writers.values():
            kill_group(process)
    after = lake.state()
    files = sum(len(fs) for fs in plant_logs.files.values())
    assert {k: after[k] for k in ("snapshot", "smelter1", "alumina1", "loads", "documents")} == {
        "snapshot": 2, **plant_logs.rows, "loads": 2, "documents": files}


KILLED = "smelter1"  # the bigger load: 77 760 welds in three files
EARLIER = "alumina1"


# mid-write (the first file's rows going in), everything written but not committed, just committed
@pytest.mark.parametrize("stage", ["telemetry", "publish", "quarantine"])
def test_a_writer_killed_mid_load_leaves_the_lake_consistent_and_the_next_load_loads_everything(
        lake: Lake, plant_logs: PlantLogs, tmp_path: Path, stage: str):
    lake.load(lake.inbox(EARLIER, plant_logs.files[EARLIER]))
    before = lake.state()
    assert (before[EARLIER], before[KILLED]) == (plant_logs.rows[EARLIER], 0)
    inbox, marker, log = lake.inbox(KILLED, plant_logs.files[KILLED]), tmp_path / "paused", tmp_path / "killed.log"
    writer = lake.start(LOAD, log, inbox=inbox, PULSE_TEST_PAUSE_AT=stage, PULSE_TEST_PAUSE_MARKER=str(marker))
    try:
        wait_for(marker, writer, log)
    finally:
        kill_group(writer)

    files, rows = len(plant_logs.files[KILLED]), plant_logs.rows[KILLED]
    killed = lake.state()
    if stage == "quarantine":  # killed after its commit: the load is there whole, one snapshot more
        assert killed == {**before, "snapshot": before["snapshot"] + 1, KILLED: rows, "loads": before["loads"] + 1,
                          "documents": before["documents"] + files, "observations": killed["observations"]}
    else:  # the earlier snapshot as it was, nothing of the killed load
        assert killed == before

    again = lake.load(inbox)
    after = lake.state()
    assert {k: after[k] for k in ("snapshot", EARLIER, KILLED, "loads", "documents")} == {
        "snapshot": before["snapshot"] + 1, EARLIER: before[EARLIER], KILLED: rows,
        "loads": before["loads"] + 1, "documents": before["documents"] + files}
    if stage == "quarantine":
        assert after == killed and "Nothing new: 3 file(s) already loaded; the warehouse is unchanged." in again.stderr
    else:
        assert loaded_line(files, rows) in again.stdout + again.stderr
