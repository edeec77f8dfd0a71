"""The SQL sandbox: how soon a runaway query stops after its time limit, and what a query costs.

Stop latency = wall time of run_query (fork a worker + check + run until killed or refused) minus the limit.
"""

from __future__ import annotations

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


def _wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _cli_pair(db: Path, runs: int) -> tuple[float, float]:
    """Median wall seconds of `pulse sql "SELECT 1"` and of the DuckDB one-liner, runs interleaved."""
    pulse = [sys.executable, "-m", "dashboard", "sql", "--db", str(db), "SELECT 1"]
    base = [sys.executable, "-c", ONE_LINER.format(db=str(db).replace("'", "''"))]
    _wall(pulse), _wall(base)  # warm the page cache for both
    times: dict[str, list[float]] = {"pulse": [], "base": []}
    for _ in range(runs):
        times["pulse"].append(_wall(pulse))
        times["base"].append(_wall(base))
    return statistics.median(times["pulse"]), statistics.median(times["base"])


def cli_section(runs: int = 21) -> str:
    """`pulse sql "SELECT 1"` against the one-liner on the same file, at two warehouse sizes."""
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-cli-"))
    try:
        lines = ["## `pulse sql` start-up vs DuckDB", "",
                 f"`pulse sql \"SELECT 1\"` (a forked sandbox worker, limits, row cap) against `python -c "
                 f"\"import duckdb; …ATTACH … (READ_ONLY)…; print(SELECT 1)\"` on the same file; median of {runs} "
                 "interleaved runs each, wall time.", "",
                 "| warehouse | file MB | pulse sql ms | one-liner ms | ratio |", "|---|---|---|---|---|"]
        for label, n_series in (("10 series × 15 years", 10), ("1,000 series × 15 years", 1000)):
            db = work / f"w{n_series}" / "pulse.duckdb"
            db.parent.mkdir()
            synthetic.build(db, ROOT / "data" / "catalog.toml", n_series=n_series, years=15)
            pulse, base = _cli_pair(db, runs)
            lines.append(f"| {label} | {db.stat().st_size / 1e6:.1f} | {pulse * 1000:.0f} | {base * 1000:.0f} "
                         f"| {pulse / base:.2f}× |")
        return "\n".join(lines) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> str:
    return cli_section() + "\n" + sandbox_section()


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


if __name__ == "__main__":  # `python -m bench.bench_sql cli` for the start-up comparison alone
    print(cli_section() if sys.argv[1:] == ["cli"] else main())
