"""Several sessions at once, and queries while another process publishes a new warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.sql import SqlRefused, run_query
from tests.conftest import ROOT, put
from tests.sql.conftest import Warehouse

RUNAWAY = "SELECT count(*) FROM range(1000000) a, range(100000) b"

# A second process that publishes new versions the way etl/warehouse.py does: copy the published
# file to a staging file, write to the copy, checkpoint, close, os.replace it over the published one.
PUBLISHER = r"""
import os, shutil, sys, duckdb
db, n = sys.argv[1], int(sys.argv[2])
for version in range(1, n + 1):
    staging = db + ".staging"
    shutil.copyfile(db, staging)
    con = duckdb.connect(staging)
    con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('marker', ?)", [str(version)])
    con.execute("CHECKPOINT")
    con.close()
    os.replace(staging, db)
print("published", n, flush=True)
"""


def marker(wh: Warehouse) -> int:
    result = run_query(wh.db, "SELECT coalesce(max(CAST(value AS INTEGER)), 0) AS m FROM warehouse_info "
                              "WHERE key = 'marker'")
    return result.table.to_pylist()[0]["m"]


def test_concurrent_sessions_get_their_own_results(warehouse: Warehouse) -> None:
    def session(i: int) -> list[int]:
        return [run_query(warehouse.db, "SELECT :i::INTEGER * 1000 + count(*) AS n FROM series",
                          {"i": str(i)}).table.to_pylist()[0]["n"] for _ in range(5)]

    series = run_query(warehouse.db, "SELECT count(*) AS n FROM series").table.to_pylist()[0]["n"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(session, range(8)))
    assert results == [[i * 1000 + series] * 5 for i in range(8)]


def test_a_runaway_session_does_not_stop_the_others(warehouse: Warehouse) -> None:
    def slow() -> str:
        with pytest.raises(SqlRefused, match=r"^time limit of 1 s exceeded$") as info:
            run_query(warehouse.db, RUNAWAY)
        return str(info.value)

    def quick() -> int:
        return run_query(warehouse.db, "SELECT count(*) AS n FROM v_latest").row_count

    with ThreadPoolExecutor(max_workers=6) as pool:
        slows = [pool.submit(slow) for _ in range(3)]
        quicks = [pool.submit(quick) for _ in range(30)]
        assert [f.result() for f in quicks] == [1] * 30
        assert [f.result() for f in slows] == ["time limit of 1 s exceeded"] * 3


def test_queries_while_another_process_publishes(warehouse: Warehouse) -> None:
    versions = 25
    publisher = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(warehouse.db), str(versions)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                seen.append(marker(warehouse))
            except BaseException as exc:  # any error fails the test below, with its text
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    out, err = publisher.communicate(timeout=120)
    done.set()
    for t in threads:
        t.join(timeout=30)
    assert publisher.returncode == 0, err
    assert out.split() == ["published", str(versions)]
    assert errors == []
    assert len(seen) > versions  # the readers really ran during the publishing
    assert marker(warehouse) == versions  # the next query sees the last published version


def test_query_during_a_real_pulse_load(warehouse: Warehouse) -> None:
    settings = warehouse.settings
    before = run_query(warehouse.db, "SELECT count(*) AS n FROM observations").table.to_pylist()[0]["n"]
    put(settings, "tables/wide_nbs_monthly_utf8.csv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(PULSE_DB=str(settings.db), PULSE_INBOX=str(settings.inbox), PULSE_QUARANTINE=str(settings.quarantine))
    load = subprocess.Popen([sys.executable, "-m", "dashboard", "load"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    counts: list[int] = []
    while load.poll() is None:  # no lock errors while the loader builds and publishes
        counts.append(run_query(warehouse.db, "SELECT count(*) AS n FROM v_observations").row_count)
    out, err = load.communicate(timeout=120)
    assert load.returncode == 0, err
    assert counts, "the load finished before any query ran"
    after = run_query(warehouse.db, "SELECT count(*) AS n FROM observations").table.to_pylist()[0]["n"]
    assert after > before
