"""The SQL sandbox: how soon a runaway query stops after its time limit, and what a query costs.

Stop latency = wall time of run_query (connect + check + run until interrupted) minus the limit.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from dashboard.sql import SandboxLimits, SqlRefused, run_query

RUNAWAY = {
    "cross join count": "SELECT count(*) FROM range(1000000) a, range(100000) b",
    "cross join + sort": "SELECT a.range * b.range AS x FROM range(100000) a, range(100000) b ORDER BY x DESC",
    "join on modulo": "SELECT sum(a.range * b.range) FROM range(1000000) a JOIN range(1000000) b "
                      "ON a.range % 7 = b.range % 7",
}


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


def _per_query_ms(db: Path, sql: str, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run_query(db, sql)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> str:
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-sql-"))
    try:
        db = _warehouse(work)
        lines = ["## SQL sandbox", "", "Runaway queries: time past the limit until `run_query` returned "
                 "the time-limit refusal (5 runs each; min / median / max, seconds).", "",
                 "| query | limit | min | median | max |", "|---|---|---|---|---|"]
        for name, sql in RUNAWAY.items():
            for limit in (0.5, 1.0):
                overs = _stop_latency(db, sql, limit, runs=5)
                lines.append(f"| {name} | {limit:g} s | {min(overs):.3f} | {statistics.median(overs):.3f} "
                             f"| {max(overs):.3f} |")
        lines += ["", "Per-query cost (median of 30, ms): a fresh locked-down read-only instance each time.", "",
                  "| query | ms |", "|---|---|",
                  f"| SELECT 1 | {_per_query_ms(db, 'SELECT 1'):.1f} |",
                  f"| SELECT * FROM t LIMIT 1000 | {_per_query_ms(db, 'SELECT * FROM t LIMIT 1000'):.1f} |",
                  f"| 100,000 rows cut to 1,000 | {_per_query_ms(db, 'SELECT * FROM t'):.1f} |"]
        return "\n".join(lines) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(main())
