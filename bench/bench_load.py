"""`pulse load` throughput against DuckDB's own read_csv of the same files, in one run.

The pipeline does more than DuckDB's reader (encoding detection, per-row validation, exact unit
scaling, catalog mapping, a staging copy and an atomic publish), so the ratio says what that
costs. Also: a second run with nothing new (should be near the cost of hashing the files).

Then (issue 17) one table file at two sizes, and a wide file, each paired with DuckDB's read_csv
of the same file in the same run: fresh child processes (time of the work inside the child; peak
memory = the child's max RSS from os.wait4), alternating, medians of PULSE_BENCH_RUNS (default 3);
sizes PULSE_BENCH_TABLE_ROWS (default 100000,1000000). Also the everyday load: 1 % of the largest
size as new periods into a warehouse that already holds the largest size (each run from a copy).
Each Pulse run reports its time per stage (read, checks, insert, holds, obs_current, rest).
`python -m bench.bench_load tables` runs only that part; `... floor` what the data model's two
writes cost in DuckDB alone (floor_section).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench import best_of
from bench.synthetic import long_table_csv, wide_table_csv
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


def many_files_section() -> str:
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


ROOT = Path(__file__).resolve().parent.parent

# Both children import the heavy libraries before the clock starts: the load's work is measured,
# not Python's imports (PYTHONDONTWRITEBYTECODE here makes those recompile on every start).
PRELUDE = "import sys, time\nfrom pathlib import Path\nimport duckdb, pandas, pyarrow, polars\n"

# Stage times: the functions of each stage are wrapped with a clock in the child (a tree that lacks
# one, e.g. main before etl/current.py, reports that stage inside "rest").
STAGES = (
    ("read", "etl.sources.long_table", "read_frames"), ("read", "etl.sources.wide_table", "read_frames"),
    ("extract", "etl.sources.long_table", "extract"), ("extract", "etl.sources.wide_table", "extract"),
    ("checks", "etl.load_file", "_normalize_table"), ("insert", "etl.load_file", "_insert_table"),
    ("holds", "etl.holds", "check_document"), ("obs_current", "etl.current", "build"),
)

PULSE = PRELUDE + f"""
import importlib, json
from collections import defaultdict
spent = defaultdict(float)

def clocked(fn, stage):
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[stage] += time.perf_counter() - start
    return run

for stage, module, name in {STAGES!r}:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        continue
    if hasattr(mod, name):
        setattr(mod, name, clocked(getattr(mod, name), stage))
from etl.pipeline import run_load
from etl.settings import load_settings
work = Path(sys.argv[1])
settings = load_settings(db=work / "wh" / "pulse.duckdb", inbox=work / "inbox", quarantine=work / "q")
start = time.perf_counter()
result = run_load(settings)
took = time.perf_counter() - start
bad = [f.error for f in result.files if f.status != "loaded"]
assert not bad and result.files, bad
stages = dict(spent)
stages["checks"] = stages.pop("extract", 0.0) - stages.get("read", 0.0) + stages.get("checks", 0.0)
stages["rest"] = took - sum(stages.values())
print(took, sum(f.rows for f in result.files), json.dumps(stages))
"""
STAGE_NAMES = ("read", "checks", "insert", "holds", "obs_current", "rest")

BASELINE = PRELUDE + """
work = Path(sys.argv[1])
start = time.perf_counter()
con = duckdb.connect(str(work / "baseline.duckdb"))
# a wide export's two title lines and footnote defeat the sniffer: skip the titles, pad the footnote
options = ", skip=2, null_padding=true" if (work / "wide").exists() else ""
con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?{options})", [str(next((work / "inbox").iterdir()))])
n = con.execute("SELECT count(*) FROM t").fetchone()[0]
con.close()
print(time.perf_counter() - start, n)
"""


def _child(script: str, work: Path, tree: Path = ROOT) -> tuple[float, float, int, dict]:
    """(seconds of work, peak RSS in MiB, rows, seconds per stage) of one child process, run in
    source tree `tree` (the baseline child has no stages)."""
    python = tree / ".venv" / "bin" / "python" if tree != ROOT else Path(sys.executable)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:  # no pipe to fill up
        proc = subprocess.Popen([str(python), "-c", script, str(work)], cwd=tree, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if proc.returncode:
            raise RuntimeError(f"benchmark child failed: {err.read()[-2000:]}")
        seconds, rows, *stages = out.read().strip().splitlines()[-1].split(maxsplit=2)  # after any notices
    return float(seconds), usage.ru_maxrss / 1024, int(rows), json.loads(stages[0]) if stages else {}


def _reset(work: Path) -> None:
    """A fresh run: no warehouse, or a copy of the case's history warehouse when it has one."""
    shutil.rmtree(work / "wh", ignore_errors=True)
    shutil.rmtree(work / "q", ignore_errors=True)
    (work / "baseline.duckdb").unlink(missing_ok=True)
    if (work / "history.duckdb").exists():
        (work / "wh").mkdir()
        shutil.copyfile(work / "history.duckdb", work / "wh" / "pulse.duckdb")


def measure(work: Path, runs: int, before: Path | None = None) -> dict[str, tuple[float, float, int, dict]]:
    """Medians per contender (and per stage); `before` (another checkout, PULSE_BENCH_BEFORE) runs
    as often, alternating with them."""
    contenders = [("duckdb", BASELINE, ROOT), ("pulse", PULSE, ROOT)] + ([("before", PULSE, before)] if before else [])
    results: dict[str, list[tuple[float, float, int, dict]]] = {name: [] for name, _, _ in contenders}
    for _ in range(runs):
        for name, script, tree in contenders:
            _reset(work)
            results[name].append(_child(script, work, tree))
    return {name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), rs[0][2],
                   {s: statistics.median(r[3].get(s, 0.0) for r in rs) for s in STAGE_NAMES})
            for name, rs in results.items()}


def cases() -> list[tuple[str, int, object, int]]:
    """(label, rows, file maker, rows of history already in the warehouse)."""
    sizes = [int(s) for s in os.environ.get("PULSE_BENCH_TABLE_ROWS", "100000,1000000").split(",")]
    out = [(f"long CSV, {n:,} rows", n, long_table_csv, 0) for n in sizes]
    # a wide NBS-style file of as many cells as the largest long one: rows x 120 month columns
    out.append((f"wide CSV, {max(sizes) // 120:,} rows x 120 months", max(sizes) // 120, wide_table_csv, 0))
    # the everyday load: a small file of new periods into a warehouse that holds the largest one
    new = max(sizes) // 100
    out.append((f"long CSV, {new:,} rows into {max(sizes):,} of history", new, long_table_csv, max(sizes)))
    return out


def _history(work: Path, rows: int) -> None:
    """work/history.duckdb: `rows` long-table rows loaded by this tree's pipeline (so a tree that
    keeps obs_current's marks finds them), in a child: a child's max RSS starts at its parent's, so
    the parent stays small. Each run starts from a copy of it (see _reset)."""
    seed = work / "seed"
    (seed / "inbox").mkdir(parents=True)
    long_table_csv(seed / "inbox" / "history.csv", rows)
    _child(PULSE, seed)
    shutil.move(seed / "wh" / "pulse.duckdb", work / "history.duckdb")
    shutil.rmtree(seed)


def table_section() -> str:
    runs = int(os.environ.get("PULSE_BENCH_RUNS", "3"))
    before = Path(os.environ["PULSE_BENCH_BEFORE"]) if os.environ.get("PULSE_BENCH_BEFORE") else None
    lines = [
        "## Table load in bulk (`bench/bench_load.py`, issue 17)\n",
        f"Median of {runs} alternating runs, each a fresh process; peak = that process's max RSS"
        + (f"; 'before' = {before}, alternating with them" if before else "") + ".\n",
        "| file | Pulse s | DuckDB read_csv s | time ratio | Pulse peak MiB | DuckDB peak MiB | rows stored |"
        + (" before s (ratio) | before peak MiB |" if before else ""),
        "| --- | --- | --- | --- | --- | --- | --- |" + (" --- | --- |" if before else ""),
    ]
    stages = ["", "Where Pulse's time goes (median seconds per stage; checks = the source's SQL checks and "
                  "the normalize maps; rest = scan, hashing, derive, the other views, publish):\n",
              "| file | " + " | ".join(STAGE_NAMES) + " |", "| --- |" + " --- |" * len(STAGE_NAMES)]
    for label, n, make, history in cases():
        work = Path(tempfile.mkdtemp(prefix="pulse-bench-table-"))
        try:
            (work / "inbox").mkdir()
            if history:
                _history(work, history)
                make(work / "inbox" / "table.csv", n, first_row=history)
            else:
                make(work / "inbox" / "table.csv", n)
            if make is wide_table_csv:
                (work / "wide").touch()  # tells the baseline child how to read it
            r = measure(work, runs, before)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        (p, pm, rows, spent), (d, dm, _, _) = r["pulse"], r["duckdb"]
        line = f"| {label} | {p:.2f} | {d:.2f} | {p / d:.1f}× | {pm:,.0f} | {dm:,.0f} | {rows:,} |"
        if "before" in r:
            b, bm, _, _ = r["before"]
            line += f" {b:.2f} ({b / d:.1f}×) | {bm:,.0f} |"
        lines.append(line)
        stages.append(f"| {label} | " + " | ".join(f"{spent[s]:.2f}" for s in STAGE_NAMES) + " |")
        print(line, file=sys.stderr, flush=True)  # progress: a long run shows each size as it ends
    return "\n".join(lines + stages) + "\n"



def floor_section(rows: int = 1_000_000, runs: int = 3) -> str:
    """What the current data model costs in DuckDB alone (issue 17): the CSV read straight into the
    observations schema (no checks, no mapping: casts only), obs_current built by its view file,
    CHECKPOINT; against read_csv into a table. No Pulse code runs; it is the floor of a first load."""
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-floor-"))
    spent: dict[str, list[float]] = {"read_csv": [], "observations": [], "obs_current": [], "checkpoint": []}
    insert = """INSERT INTO observations (series_id, period_label, period_start, period_end, value, unit,
        value_as_written, unit_as_written, change_pct, change_kind, document_id, quote, source_url, source_row,
        load_id, publisher)
        SELECT series_id, period_start || '..' || period_end, period_start, period_end, value, unit,
               CAST(value AS VARCHAR), unit, change_pct, 'yoy', 'd', source_quote, source_url, 1, 'L', 'example.org'
        FROM read_csv(?)"""
    try:
        csv = work / "t.csv"
        long_table_csv(csv, rows)
        for _ in range(runs):
            for f in work.glob("*.duckdb*"):
                f.unlink()
            start = time.perf_counter()
            con = duckdb.connect(str(work / "baseline.duckdb"))
            con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
            con.close()
            spent["read_csv"].append(time.perf_counter() - start)
            con = duckdb.connect(str(work / "model.duckdb"))
            for name in ("001_core.sql", "003_review.sql"):
                con.execute((ROOT / "etl" / "migrations" / name).read_text(encoding="utf-8"))
            con.execute("INSERT INTO loads (load_id, started_at) VALUES ('L', now())")
            con.execute("INSERT INTO documents (document_id, sha256, path, file_name, kind, load_id) "
                        "VALUES ('d', 's', 'p', 'f', 'long_table', 'L')")
            con.execute("CHECKPOINT")
            view = (ROOT / "etl" / "views" / "005_obs_current.sql").read_text(encoding="utf-8")
            for stage, sql, params in (("observations", insert, [str(csv)]), ("obs_current", view, []),
                                       ("checkpoint", "CHECKPOINT", [])):
                start = time.perf_counter()
                con.execute(sql, params)
                spent[stage].append(time.perf_counter() - start)
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in spent.items()}
    model = med["observations"] + med["obs_current"] + med["checkpoint"]
    return (f"DuckDB alone, {rows:,} rows, median of {runs}: read_csv into a table {med['read_csv']:.2f} s; "
            f"into the observations schema {med['observations']:.2f} s, obs_current {med['obs_current']:.2f} s, "
            f"CHECKPOINT {med['checkpoint']:.2f} s: {model:.2f} s = {model / med['read_csv']:.1f}x read_csv\n")


def main() -> str:
    tables = table_section()  # first: the in-process loads below grow this process, whose max RSS children inherit
    return many_files_section() + "\n" + tables


if __name__ == "__main__":
    if sys.argv[1:] == ["floor"]:
        print(floor_section())
    else:
        print(table_section() if sys.argv[1:] == ["tables"] else main())
