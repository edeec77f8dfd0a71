"""`pulse load` throughput against DuckDB's own read_csv of the same files, in one run.

The pipeline does more than DuckDB's reader (encoding detection, per-row validation, exact unit
scaling, catalog mapping, a staging copy and an atomic publish), so the ratio says what that
costs. Also: a second run with nothing new (should be near the cost of hashing the files).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from bench import best_of
from etl.periods import month_end
from etl.pipeline import run_load
from etl.settings import load_settings

HEADER = "series_id,period_start,period_end,value,unit,change_pct,source_url,source_quote\n"


def make_inbox(inbox: Path, files: int, rows: int) -> int:
    inbox.mkdir(parents=True)
    for f in range(files):
        # one month per row, all in the past (a period far ahead, or two values for one period, is rejected)
        lines = [
            f"nf10_output,{1600 + r // 12}-{r % 12 + 1:02d}-01,{month_end(1600 + r // 12, r % 12 + 1)},"
            f"{f * 10 + r % 97}.5,万吨,1.2,https://example.org/{f},十种有色金属产量{f}万吨\n"
            for r in range(rows)
        ]
        (inbox / f"long_{f:03d}.csv").write_text(HEADER + "".join(lines), encoding="utf-8")
    return files * rows


def main() -> str:
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-load-"))
    try:
        rows = make_inbox(work / "inbox", files=20, rows=5000)

        def pulse_load() -> None:
            shutil.rmtree(work / "wh", ignore_errors=True)
            run_load(load_settings(db=work / "wh" / "pulse.duckdb", inbox=work / "inbox",
                                   quarantine=work / "q"))

        def duckdb_read_csv() -> None:
            con = duckdb.connect(str(work / "baseline.duckdb"))
            con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?)", [str(work / "inbox" / "*.csv")])
            con.close()

        baseline = best_of(3, duckdb_read_csv)
        pulse = best_of(3, pulse_load)
        noop = best_of(3, lambda: run_load(load_settings(db=work / "wh" / "pulse.duckdb", inbox=work / "inbox",
                                                         quarantine=work / "q")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return (
        "## Load pipeline (`bench/bench_load.py`)\n\n"
        f"20 long-format CSV files, {rows:,} rows; best of 3.\n\n"
        "| what | seconds | rows/s | ratio to DuckDB read_csv |\n| --- | --- | --- | --- |\n"
        f"| DuckDB `read_csv` into a table (baseline) | {baseline:.3f} | {rows / baseline:,.0f} | 1.0 |\n"
        f"| `pulse load` (detect, validate, scale, map, stage, publish) | {pulse:.3f} | {rows / pulse:,.0f} | "
        f"{pulse / baseline:.1f} |\n"
        f"| `pulse load` again, nothing new | {noop:.3f} | — | {noop / baseline:.1f} |\n"
    )
