"""Readers never block the writer, and a load killed at any point loses nothing. Real processes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from etl.pipeline import run_load
from etl.read import query
from tests.conftest import ROOT, put

READER = r"""
import sys, time
from etl.read import connect_readonly
db = sys.argv[1]
held = connect_readonly(db)                       # held open across the writer's publish
print("ready", held.execute("SELECT count(*) FROM observations").fetchone()[0], flush=True)
sys.stdin.readline()                              # wait until the test says the load finished
print("held", held.execute("SELECT count(*) FROM observations").fetchone()[0], flush=True)
fresh = connect_readonly(db)
print("fresh", fresh.execute("SELECT count(*) FROM observations").fetchone()[0], flush=True)
"""


def env_for(settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(PULSE_DB=str(settings.db), PULSE_INBOX=str(settings.inbox), PULSE_QUARANTINE=str(settings.quarantine))
    return env


def test_load_succeeds_while_another_process_reads(settings):
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(settings.db)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert reader.stdout.readline().split() == ["ready", "3"]
        put(settings, "tables/wide_nbs_monthly_utf8.csv")
        load = subprocess.run([sys.executable, "-m", "dashboard", "load"], cwd=ROOT, env=env_for(settings),
                              capture_output=True, text=True, timeout=120)
        assert load.returncode == 0, load.stderr
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    # the held connection still sees the old version whole; a new one sees the new version whole
    assert out.split() == ["held", "3", "fresh", "14"], err
    assert reader.returncode == 0, err


def make_inbox(settings, files: int, rows: int) -> None:
    header = "series_id,period_start,period_end,value,unit\n"
    for f in range(files):
        body = "".join(f"nf10_output,{1900 + r}-01-01,{1900 + r}-12-31,{f * 1000 + r},万吨\n" for r in range(rows))
        (settings.inbox / f"batch_{f:03d}.csv").write_text(header + body, encoding="utf-8")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_sigkill_at_any_point_leaves_the_published_warehouse_intact(settings):
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    baseline = digest(settings.db)
    make_inbox(settings, files=120, rows=50)
    versions_seen = set()
    for delay in (0.3, 0.8, 1.3, 1.8, 2.5, 3.5):
        proc = subprocess.Popen([sys.executable, "-m", "dashboard", "load"], cwd=ROOT, env=env_for(settings),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # whatever the moment, the published file is a whole version, readable, never a mix
        count = query(settings.db, "SELECT count(*) FROM observations").item()
        assert count in (3, 3 + 120 * 50)
        versions_seen.add(digest(settings.db) == baseline)
    final = run_load(settings)
    assert final.exit_code == 0
    assert query(settings.db, "SELECT count(*) FROM observations").item() == 3 + 120 * 50
    assert not settings.db.with_name(settings.db.name + ".staging").exists()
    assert True in versions_seen  # at least one kill landed before the publish
