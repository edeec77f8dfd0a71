"""SIGKILL a real `pulse load` at each stage of a mixed load (tables, bulletin, plant logs).

PULSE_TEST_PAUSE_AT=<stage> makes the load write a marker and sleep at that stage (etl.testhooks);
the test then kills it for real. Whatever the stage, the published warehouse is the one from before
(or, killed after the publish, the new one whole), no telemetry part of the killed load is visible,
and the next load loads every file, the plant logs included (not "already loaded").
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from etl.pipeline import run_load
from etl.read import connect_readonly, query
from etl.testhooks import STAGES
from tests.conftest import ROOT, put

pytestmark = pytest.mark.slow

MIXED = {"": ["tables/wide_nbs_monthly_utf8.csv", "bulletin/nbs_release_ytd_and_month.txt", "tables/empty.csv"],
         "plant": ["plant/welds_clean.csv", "plant/batches_clean.csv"]}


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def killed_at(settings, stage: str, tmp_path) -> None:
    marker = tmp_path / f"paused-{stage}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(PULSE_DB=str(settings.db), PULSE_INBOX=str(settings.inbox), PULSE_QUARANTINE=str(settings.quarantine),
               PULSE_SETTLE_SECONDS="0", PULSE_TEST_PAUSE_AT=stage, PULSE_TEST_PAUSE_MARKER=str(marker))
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "load"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        while not marker.exists():  # waiting for the stage, not timing anything
            if proc.poll() is not None:
                raise AssertionError(f"load ended before stage {stage}: {proc.stderr.read().decode()}")
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stderr.close()


def visible_welds(settings) -> int | None:
    con = connect_readonly(settings.db)
    try:
        return con.execute("SELECT count(*) FROM welds_raw()").fetchone()[0]
    except duckdb.IOException:
        return None  # no part listed: the macro has no file to read
    finally:
        con.close()


@pytest.mark.parametrize("stage", STAGES)
def test_a_load_killed_at_a_stage_leaves_no_partial_state_and_the_next_load_completes(settings, stage, tmp_path):
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    before = digest(settings.db)
    for subdir, files in MIXED.items():
        put(settings, *files, subdir=subdir)
    killed_at(settings, stage, tmp_path)
    on_disk = sorted(settings.telemetry_dir.rglob("*.parquet")) if settings.telemetry_dir.exists() else []
    if stage == "quarantine":  # killed after the publish: the new version is whole
        assert query(settings.db, "SELECT count(*) FROM telemetry_parts").item() == 3  # 1 weld day, 2 gallium days
        assert visible_welds(settings) == 10
        assert (settings.inbox / "empty.csv").exists()  # not moved yet
    else:
        assert digest(settings.db) == before  # the published warehouse is untouched
        assert query(settings.db, "SELECT count(*) FROM telemetry_parts").item() == 0
        assert visible_welds(settings) is None
        if stage in ("telemetry", "derive", "publish"):
            assert on_disk, "the killed load had written parts (unlisted, so invisible)"
    final = run_load(settings)
    status = {f.path.name: f.status for f in final.files}
    assert status["empty.csv"] == "rejected"
    assert {name: s for name, s in status.items() if name != "empty.csv"} == (
        {"long_utf8.csv": "skipped"} | {n.split("/")[-1]: "skipped" if stage == "quarantine" else "loaded"
                                       for files in MIXED.values() for n in files if "empty" not in n})
    assert visible_welds(settings) == 10
    assert query(settings.db, "SELECT count(*) FROM v_gallium_batches").item() == 8
    listed = {r[0] for r in query(settings.db, "SELECT path FROM telemetry_parts").rows()}
    assert {str(p.relative_to(settings.warehouse_dir)) for p in settings.telemetry_dir.rglob("*.parquet")} == listed
    assert not settings.db.with_name(settings.db.name + ".staging").exists()
