"""The SQL sandbox: how soon a runaway query stops after its time limit, and what a query costs.

Stop latency = wall time of run_query (fork a worker + check + run until killed or refused) minus the limit.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench import synthetic
from dashboard.sql import SandboxLimits, SqlRefused, run_query
from dashboard.sql.sandbox import execute_in_sandbox

RUNAWAY = {
    "cross join count": "SELECT count(*) FROM range(1000000) a, range(100000) b",
    "cross join + sort": "SELECT a.range * b.range AS x FROM range(100000) a, range(100000) b ORDER BY x DESC",
    "join on modulo": "SELECT sum(a.range * b.range) FROM range(1000000) a JOIN range(1000000) b "
                      "ON a.range % 7 = b.range % 7",
}

# what DuckDB's own limits did not stop (issue 13): now stopped by the worker's cap and the kill
HARD = {
    "unnest(generate_series(1, 3e9))": "SELECT count(*) FROM (SELECT unnest(generate_series(1, 3000000000)))",
    "regexp_replace over 100 MB": "SELECT length(regexp_replace(repeat('ab', 50000000), '(a|b)*c', 'x', 'g'))",
    "levenshtein of 200k chars": "SELECT levenshtein(repeat('a', 200000), repeat('b', 200000))",
}


def _hard_rows(db: Path, runs: int = 3) -> list[str]:
    """Per query: time past the 1 s limit and the worker's peak RSS (wait4), worst of `runs`."""
    rows = []
    for name, sql in HARD.items():
        overs, peaks, message = [], [], ""
        for _ in range(runs):
            stats: list = []
            started = time.perf_counter()
            try:
                run_query(db, sql, limits=SandboxLimits(timeout_s=1.0), on_stats=stats.append)
            except SqlRefused as exc:
                message = str(exc)
            overs.append(time.perf_counter() - started - 1.0)
            peaks.append(stats[0].peak_rss / 1e6)
        rows.append(f"| {name} | {message} | {min(overs):.3f} | {max(overs):.3f} | {max(peaks):.0f} |")
    return rows


def _warehouse(folder: Path) -> Path:
    db = folder / "pulse.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT range AS a, range * 2 AS b FROM range(100000)")
    con.close()
    return db


def _stop_latency(db: Path, sql: str, limit: float, runs: int) -> list[float]:
    overs = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            run_query(db, sql, limits=SandboxLimits(timeout_s=limit))
        except SqlRefused:
            pass
        overs.append(time.perf_counter() - started - limit)
    return overs


def _per_query_ms(db: Path, sql: str, runs: int = 30, in_process: bool = False) -> float:
    """Median ms of one query: in a forked worker (run_query), or in this process (the old way)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        if in_process:
            execute_in_sandbox(db, sql, {}, SandboxLimits())
        else:
            run_query(db, sql)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _overhead_rows(db: Path) -> list[str]:
    rows = []
    for sql in ("SELECT 1", "SELECT * FROM t LIMIT 1000", "SELECT * FROM t"):
        before = _per_query_ms(db, sql, in_process=True)
        after = _per_query_ms(db, sql)
        rows.append(f"| {sql} | {before:.1f} | {after:.1f} | {after / before:.1f}x |")
    return rows


ROOT = Path(__file__).resolve().parents[1]
ONE_LINER = ("import duckdb; c = duckdb.connect(':memory:'); c.execute(\"ATTACH '{db}' AS w (READ_ONLY)\"); "
             "c.execute('USE w'); print(c.execute('SELECT 1').fetchall())")


def _timed(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one process and its children; CPU time is what a busy machine does not inflate."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _cli_pair(db: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of `pulse sql "SELECT 1"` and of the DuckDB one-liner, interleaved."""
    cmds = {"pulse": [sys.executable, "-m", "dashboard", "sql", "--db", str(db), "SELECT 1"],
            "base": [sys.executable, "-c", ONE_LINER.format(db=str(db).replace("'", "''"))]}
    for cmd in cmds.values():
        _timed(cmd)  # warm the page cache for both
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(_timed(cmd))
    return {name: (statistics.median(w for w, _ in ts), statistics.median(c for _, c in ts))
            for name, ts in times.items()}


def cli_section(runs: int = 21) -> str:
    """`pulse sql "SELECT 1"` against the one-liner on the same file, at two warehouse sizes."""
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-cli-"))
    try:
        lines = ["## `pulse sql` start-up vs DuckDB", "",
                 f"`pulse sql \"SELECT 1\"` (a forked sandbox worker, limits, row cap) against `python -c "
                 f"\"import duckdb; …ATTACH … (READ_ONLY)…; print(SELECT 1)\"` on the same file; median of {runs} "
                 "interleaved runs each, wall time.", "",
                 "| warehouse | file MB | pulse sql ms (CPU ms) | one-liner ms (CPU ms) | wall ratio | CPU ratio |",
                 "|---|---|---|---|---|---|"]
        for label, n_series in (("10 series × 15 years", 10), ("1,000 series × 15 years", 1000)):
            db = work / f"w{n_series}" / "pulse.duckdb"
            db.parent.mkdir()
            synthetic.build(db, ROOT / "data" / "catalog.toml", n_series=n_series, years=15)
            got = _cli_pair(db, runs)
            (pw, pc), (bw, bc) = got["pulse"], got["base"]
            lines.append(f"| {label} | {db.stat().st_size / 1e6:.1f} | {pw * 1000:.0f} ({pc * 1000:.0f}) "
                         f"| {bw * 1000:.0f} ({bc * 1000:.0f}) | {pw / bw:.2f}× | {pc / bc:.2f}× |")
        return "\n".join(lines) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)


PAGE_SQL = "SELECT series_id, period_end, display_value AS v FROM v_observations LIMIT 1000"


def page_section(runs: int = 9) -> str:
    """The SQL page (AppTest, server side): seconds per Run click and per plain rerun with a result
    on screen, against run_query of the same query alone, measured in the same run."""
    import os

    from streamlit.testing.v1 import AppTest

    work = Path(tempfile.mkdtemp(prefix="pulse-bench-page-"))
    try:
        db = work / "pulse.duckdb"
        synthetic.build(db, ROOT / "data" / "catalog.toml", n_series=1000, years=15)
        os.environ["PULSE_DB"] = str(db)
        at = AppTest.from_file(str(ROOT / "dashboard" / "screens" / "sql.py"), default_timeout=120).run()
        at.text_area(key="sql_text").set_value(PAGE_SQL).run()
        clicks, reruns, alone = [], [], []
        for _ in range(runs):
            started = time.perf_counter()
            at.button(key="run").click().run()
            clicks.append(time.perf_counter() - started)
            started = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - started)
            started = time.perf_counter()
            run_query(db, PAGE_SQL)
            alone.append(time.perf_counter() - started)
        base = statistics.median(alone)
        rows = [("Run click", statistics.median(clicks)), ("rerun with the result shown", statistics.median(reruns)),
                ("run_query alone (baseline)", base)]
        return "\n".join(["## SQL page: time per run (AppTest, server side)", "",
                          f"`{PAGE_SQL}` on 1,000 series × 15 years; median of {runs}.", "",
                          "| step | ms | × run_query |", "|---|---|---|",
                          *(f"| {name} | {sec * 1000:.0f} | {sec / base:.1f}× |" for name, sec in rows)]) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> str:
    return cli_section() + "\n" + page_section() + "\n" + sandbox_section()


def sandbox_section() -> str:
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-sql-"))
    try:
        db = _warehouse(work)
        run_query(db, "SELECT 1")  # the fork server starts once per process; that is not a query's cost
        lines = ["## SQL sandbox", "", "Runaway queries: time past the limit until `run_query` returned "
                 "the time-limit refusal (5 runs each; min / median / max, seconds).", "",
                 "| query | limit | min | median | max |", "|---|---|---|---|---|"]
        for name, sql in RUNAWAY.items():
            for limit in (0.5, 1.0):
                overs = _stop_latency(db, sql, limit, runs=5)
                lines.append(f"| {name} | {limit:g} s | {min(overs):.3f} | {statistics.median(overs):.3f} "
                             f"| {max(overs):.3f} |")
        lines += ["", "Hard limits (1 s, 1GB; 3 runs): stop past the limit (s, min / max) and the worker's "
                  "peak RSS (MB, wait4).", "", "| query | message | min | max | peak MB |", "|---|---|---|---|---|",
                  *_hard_rows(db)]
        lines += ["", "Per-query cost (median of 30, ms): in process (before) vs a forked worker (after).", "",
                  "| query | in process | worker | ratio |", "|---|---|---|---|", *_overhead_rows(db)]
        return "\n".join(lines) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":  # `python -m bench.bench_sql cli page` for those sections alone
    parts = {"cli": cli_section, "page": page_section, "sandbox": sandbox_section}
    print("\n".join(parts[name]() for name in sys.argv[1:]) if sys.argv[1:] else main())
