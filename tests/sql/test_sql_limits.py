"""Hard limits: queries that DuckDB's own memory limit and interrupt do not stop are stopped anyway.

Through the library, the real `pulse sql` process and the page (AppTest). Each must stop within the
time limit + 0.5 s (plus what a trivial query costs right now, measured in the same test, so a busy
machine does not fail it) and below the memory cap + 20 %, measured from outside by TreeWatch; the
parent's RSS must come back near where it started. Measured figures: docs/sql.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.sql import SandboxLimits, SqlRefused, run_query
from dashboard.sql.running import RUNNING
from dashboard.sql.worker import WorkerStats, memory_bytes
from tests.conftest import ROOT
from tests.sql.conftest import Warehouse
from tests.sql.memwatch import TreeWatch, rss_bytes

PAGE = str(ROOT / "dashboard" / "screens" / "sql.py")
CAP = "1GB"
LIMIT_S = 1.0
TIME = "time limit of 1 s exceeded"
MEMORY = "memory limit of 1GB exceeded; filter or aggregate more"
PARENT_SLACK = 300 * 10**6  # generous: allocator caches, Streamlit's own state


@dataclass(frozen=True)
class Runaway:
    id: str
    sql: str
    message: str
    # on a loaded machine the deadline can come before the failing allocation: either limit's
    # sentence is a correct stop, nothing else is
    also: str | None = None

    def stopped(self, text: str) -> bool:
        return text in (self.message, self.also)


RUNAWAYS = [
    # grew to 24 GB under memory_limit = 1GB before the worker's address-space cap
    Runaway("unnest-generate-series",
            "SELECT count(*) FROM (SELECT unnest(generate_series(1, 3000000000)))", MEMORY, also=TIME),
    # never looks at the interrupt flag: ran 14.8 s at a 1 s limit
    Runaway("regexp-over-100mb", "SELECT length(regexp_replace(repeat('ab', 50000000), '(a|b)*c', 'x', 'g'))",
            TIME),
    # O(n*m) inside one function call: 4e10 steps
    Runaway("levenshtein-200k", "SELECT levenshtein(repeat('a', 200000), repeat('b', 200000))", TIME),
]


def budget(trivial_s: float) -> float:
    """Limit + 0.5 s, plus what a trivial query costs on this machine right now."""
    return LIMIT_S + 0.5 + trivial_s


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    try:
        out = fn()
    except SqlRefused as exc:
        out = exc
    return time.perf_counter() - started, out


@pytest.mark.parametrize("case", RUNAWAYS, ids=[c.id for c in RUNAWAYS])
def test_library_stops_runaway_within_time_and_memory(warehouse: Warehouse, case: Runaway) -> None:
    limits = SandboxLimits(timeout_s=LIMIT_S, memory_limit=CAP)
    trivial_s, _ = timed(lambda: run_query(warehouse.db, "SELECT 1", limits=limits))
    trivial_s, _ = timed(lambda: run_query(warehouse.db, "SELECT 1", limits=limits))  # server warm now
    parent_before = rss_bytes()
    stats: list[WorkerStats] = []
    with TreeWatch(os.getpid()) as watch:
        took, out = timed(lambda: run_query(warehouse.db, case.sql, limits=limits, on_stats=stats.append))
    assert isinstance(out, SqlRefused) and case.stopped(str(out)), out
    assert took <= budget(trivial_s), f"stopped after {took:.2f} s"
    assert watch.killed == []
    assert watch.peak_of([stats[0].pid]) <= memory_bytes(CAP) * 1.2
    assert stats[0].peak_rss <= memory_bytes(CAP) * 1.2  # the worker's own wait4 figure agrees
    assert rss_bytes() <= parent_before + PARENT_SLACK


def pulse_sql(wh: Warehouse, sql: str) -> tuple[float, subprocess.CompletedProcess, TreeWatch]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    cmd = [sys.executable, "-m", "dashboard", "sql", sql, "--db", str(wh.db), "--timeout", f"{LIMIT_S:g}"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    # the process and everything it starts; anything past 2.5 GB is killed so a broken cap fails fast
    with TreeWatch(proc.pid, kill_above=int(2.5 * 10**9)) as watch:
        watch.peaks[proc.pid] = 0
        out, err = proc.communicate(timeout=120)
    took = time.perf_counter() - started
    return took, subprocess.CompletedProcess(cmd, proc.returncode, out, err), watch


@pytest.mark.parametrize("case", RUNAWAYS, ids=[c.id for c in RUNAWAYS])
def test_cli_stops_runaway_within_time_and_memory(warehouse: Warehouse, case: Runaway) -> None:
    trivial_s, trivial, _ = pulse_sql(warehouse, "SELECT 1 AS x")
    assert trivial.returncode == 0, trivial.stderr
    took, proc, watch = pulse_sql(warehouse, case.sql)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith("Error: ") and case.stopped(proc.stderr[len("Error: "):].rstrip("\n")), proc.stderr
    assert watch.killed == []
    assert took <= budget(trivial_s), f"stopped after {took:.2f} s"
    assert watch.peak_of() <= memory_bytes(CAP) * 1.2


def page(wh: Warehouse, monkeypatch: pytest.MonkeyPatch, **query: str) -> AppTest:
    monkeypatch.setenv("PULSE_DB", str(wh.db))
    monkeypatch.setenv("PULSE_SQL_MEMORY_LIMIT", CAP)
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("case", RUNAWAYS, ids=[c.id for c in RUNAWAYS])
def test_page_stops_runaway_within_time_and_memory(warehouse: Warehouse, case: Runaway,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(warehouse, monkeypatch)
    at.text_area(key="sql_text").set_value("SELECT 1 AS x").run()
    trivial_s, _ = timed(lambda: at.button(key="run").click().run())
    parent_before = rss_bytes()
    at.text_area(key="sql_text").set_value(case.sql).run()
    with TreeWatch(os.getpid()) as watch:
        took, _ = timed(lambda: at.button(key="run").click().run())
    errors = [e.value for e in at.error]
    prefix = t("sql_refused", message="")
    assert len(errors) == 1 and errors[0].startswith(prefix)
    assert case.stopped(errors[0][len(prefix):]), errors
    assert took <= budget(trivial_s), f"stopped after {took:.2f} s"
    assert watch.killed == []
    assert watch.peak_of() <= memory_bytes(CAP) * 1.2
    assert rss_bytes() <= parent_before + PARENT_SLACK


def test_page_link_fills_the_editor_and_does_not_run(warehouse: Warehouse, monkeypatch) -> None:
    sql = RUNAWAYS[0].sql
    at = page(warehouse, monkeypatch, q=sql)
    assert not at.exception and not at.error
    assert at.text_area(key="sql_text").value == sql
    assert "result" not in at.session_state
    assert [i.value for i in at.info] == [t("sql_from_link")]


def test_page_time_limit_selector_is_held_to_the_cap(warehouse: Warehouse, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_SQL_TIMEOUT_CAP", "10")
    at = page(warehouse, monkeypatch)
    assert at.selectbox(key="sql_timeout").options == ["1 秒", "5 秒", "10 秒"]
    assert at.selectbox(key="sql_timeout").value == 1.0
    at.selectbox(key="sql_timeout").set_value(5.0).run()
    at.text_area(key="sql_text").set_value("SELECT count(*) FROM range(1000000) a, range(100000) b").run()
    at.button(key="run").click().run()
    assert [e.value for e in at.error] == [t("sql_refused", message="time limit of 5 s exceeded")]


def test_limits_for_app_never_exceed_the_cap(settings) -> None:
    from dataclasses import replace

    capped = replace(settings, sql_timeout_app=1.0, sql_timeout_cap=10.0)
    assert SandboxLimits.for_app(capped, 3600).timeout_s == 10.0
    assert SandboxLimits.for_app(capped, None).timeout_s == 1.0
    assert SandboxLimits.for_download(capped, 5).timeout_s == 5.0


def test_second_run_while_one_runs_says_so(warehouse: Warehouse, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_DB", str(warehouse.db))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.user = {"is_logged_in": True, "email": "analyst@example.com"}
    at.run()
    at.text_area(key="sql_text").set_value("SELECT 42 AS x").run()
    with RUNNING.slot("user:analyst@example.com"):  # the same user's query, running in another tab
        at.button(key="run").click().run()
    assert [w.value for w in at.warning] == [t("sql_busy")]
    assert "result" not in at.session_state
    at.button(key="run").click().run()  # once it has finished, Run runs
    assert at.dataframe[0].value["x"].to_list() == [42]
