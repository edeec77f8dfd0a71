"""Plant telemetry at scale, in one run (ratios against baselines measured in the same run).

1. Ingest of one weld CSV at each size (default 7 and 90 days at the real rate): `pulse load` into an
   existing warehouse against DuckDB's own `COPY (SELECT * FROM read_csv(...)) TO parquet` of the same
   file, alternating child processes, medians, peak RSS (`ru_maxrss`) of each child.
2. A one-robot, one-day drill-down against a full year at the real rate (~95 M welds): the
   partitioned layout (`weld_rows`) against the same query over one unpartitioned Parquet copy.
3. The bundled history `pulse up` loads on a fresh clone: generate + load.
4. (part `dirty`) The same ingest of the first size's CSV with one row in 100,000 refused (a result
   neither pass nor fail): a file with rows to report goes the staged way (etl/plant/onepass.py).

Sizes: PULSE_BENCH_CSV_DAYS (comma-separated days, default "7,90"; 90 days is a 2.6 GB CSV),
PULSE_BENCH_RUNS (default 3) and PULSE_BENCH_YEAR_DAYS (default 365); PULSE_BENCH_PLANT_PARTS picks
parts (bundled,ingest,year,dirty). Files go to bench/out/ (git-ignored) and are removed after, except the
generated weld CSVs, kept in bench/out/plant_cache/ (git-ignored too: 90 days is 2.5 GB and takes
minutes to generate); PULSE_BENCH_PLANT_CACHE=0 generates them afresh.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from statistics import median

import duckdb
import polars as pl

from bench import best_of
from etl import warehouse
from etl.plant.simulate import SimConfig, simulate, weld_day
from etl.plant.telemetry import partition_dir, weld_rows
from etl.settings import load_settings

OUT = Path(__file__).parent / "out" / "plant"
CACHE = Path(__file__).parent / "out" / "plant_cache"  # outside OUT: it survives the run
START = date(2025, 1, 1)

_CHILD_INGEST = """
import resource, sys, time
from pathlib import Path
from etl.pipeline import run_load
from etl.settings import load_settings
path, root = Path(sys.argv[1]), Path(sys.argv[2])
inbox = root / "inbox"
inbox.mkdir(parents=True)
settings = load_settings(db=root / "wh" / "pulse.duckdb", inbox=inbox, quarantine=root / "q")
t = time.perf_counter()
run_load(settings)  # an empty inbox: creates, migrates and publishes the warehouse (timed apart)
init = time.perf_counter() - t
path.rename(inbox / path.name)  # the whole load path: scan, detect, validate, Parquet parts, KPIs, publish
t = time.perf_counter()
result = run_load(settings)
assert [f.status for f in result.files] == ["loaded"], result.files
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, result.rows, init)
"""

# DuckDB's own CSV -> Parquet, defaults (all cores, its default memory limit): the baseline.
_CHILD_BASELINE = """
import resource, sys, time, duckdb
path, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
t = time.perf_counter()
con.execute(f"COPY (SELECT * FROM read_csv('{path}')) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, 0, 0)
"""


def _child(code: str, *args: str, tree: str | None = None) -> tuple[float, int, int, float]:
    """Run `code` in a child process (from the checkout `tree` instead of this one when given)."""
    env = os.environ | {"PYTHONPATH": tree} if tree else None
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                          cwd=tree, env=env)
    seconds, rss, rows, init = done.stdout.strip().splitlines()[-1].split()
    return float(seconds), int(rss), int(rows), float(init)


def weld_csv(days: int) -> Path:
    """One weld CSV of `days` days at the real rate (the simulator's monthly files joined, one header).

    Cached: the simulator is deterministic (seeded per day), so the same days give the same bytes."""
    cached = (CACHE / f"welds_{START}_{days}d_seed11.csv").resolve()
    if cached.is_file() and os.environ.get("PULSE_BENCH_PLANT_CACHE", "1") != "0":
        return cached
    src = OUT / "csv"
    files = simulate(SimConfig(START, days, seed=11, weld_interval_s=2.0, group="month"), src)
    CACHE.mkdir(parents=True, exist_ok=True)
    big = cached.with_suffix(".partial")  # renamed when whole: a killed run leaves no half file to reuse
    with big.open("wb") as out:
        for i, f in enumerate(f for f in files if "weld" in f.name):
            with f.open("rb") as fh:
                if i:
                    fh.readline()
                shutil.copyfileobj(fh, out, 1 << 22)
    shutil.rmtree(src)
    big.rename(cached)
    return cached


DIRTY_EVERY = 100_000  # one refused row in this many (the mostly-bad refusal starts at 50 %)


def dirty_csv(big: Path) -> Path:
    """`big` with the result of every DIRTY_EVERY-th weld made unreadable ('pass' -> 'maybe'), cached."""
    dirty = big.with_name(big.stem + f"_dirty{DIRTY_EVERY}.csv")
    if dirty.is_file():
        return dirty
    partial = dirty.with_suffix(".partial")
    with big.open("rb") as src, partial.open("wb") as out:
        out.write(src.readline())
        for i, line in enumerate(src, 1):
            out.write(line.replace(b",pass,", b",maybe,", 1) if i % DIRTY_EVERY == 0 else line)
    partial.rename(dirty)
    return dirty


def _ingest_once(big: Path, run: int, tree: str | None = None) -> tuple[float, int, int, float]:
    """One `pulse load` of a copy of `big` into a new warehouse, in a child process."""
    copy = (OUT / f"ingest_{run}" / big.name).resolve()
    root = (OUT / f"ingest_{run}" / "work").resolve()
    copy.parent.mkdir(parents=True)
    shutil.copyfile(big, copy)
    # dated a minute back, as a file exported earlier: else the inbox's settle wait (a file younger
    # than settle_seconds may still be written) is paid here and never by DuckDB's COPY
    old = time.time() - 60
    os.utime(copy, (old, old))
    try:
        return _child(_CHILD_INGEST, str(copy), str(root), tree=tree)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def bench_ingest(days: int, runs: int, dirty: bool = False) -> list[str]:
    """Ingest against DuckDB's COPY of the same file, alternating, `runs` each; medians."""
    big = dirty_csv(weld_csv(days)) if dirty else weld_csv(days)
    size = big.stat().st_size
    base, ing, before = [], [], []
    tree = os.environ.get("PULSE_BENCH_BEFORE")  # a checkout of the code before, run alongside
    load_before = os.getloadavg()[0]
    for run in range(runs):  # alternating, so every side sees the same load on the shared machine
        base.append(_child(_CHILD_BASELINE, str(big), str((OUT / "baseline.parquet").resolve())))
        (OUT / "baseline.parquet").unlink(missing_ok=True)
        ing.append(_ingest_once(big, run))
        if tree:
            before.append(_ingest_once(big, run, tree))
    b_t, i_t = median(r[0] for r in base), median(r[0] for r in ing)
    init = median(r[3] for r in ing)
    rows = ing[0][2]
    return [
        f"#### {days} days{f', one row in {DIRTY_EVERY:,} refused' if dirty else ''}: weld CSV "
        f"{size / 1e9:.2f} GB, {rows:,} rows loaded; medians of {runs} alternating runs "
        f"(1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after)\n",
        "| what | seconds (median) | runs | peak RSS (max of runs) | time ratio to baseline |",
        "| --- | --- | --- | --- | --- |",
        f"| DuckDB `COPY (SELECT * FROM read_csv(...)) TO parquet` (baseline) | {b_t:.1f} | "
        f"{' / '.join(f'{r[0]:.1f}' for r in base)} | {max(r[1] for r in base) / 2**20:,.0f} MiB | 1.00 |",
        f"| `pulse load` of the file into an existing warehouse: validate, de-duplicate, parts, KPIs, publish | "
        f"{i_t:.1f} | {' / '.join(f'{r[0]:.1f}' for r in ing)} | {max(r[1] for r in ing) / 2**20:,.0f} MiB | "
        f"**{i_t / b_t:.2f}** |",
        f"| the same into a fresh warehouse (+ creating and migrating it: {init:.1f} s) | {i_t + init:.1f} | | | "
        f"{(i_t + init) / b_t:.2f} |",
    ] + ([
        f"| before (`{tree}`), existing warehouse | {median(r[0] for r in before):.1f} | "
        f"{' / '.join(f'{r[0]:.1f}' for r in before)} | {max(r[1] for r in before) / 2**20:,.0f} MiB | "
        f"{median(r[0] for r in before) / b_t:.2f} |"] if before else []) + [""]


def _year(days: int) -> tuple[Path, Path]:
    """A year of welds at the real rate, partitioned, plus one unpartitioned copy (same rows, in time order).

    Seven simulated days are generated and repeated with their timestamps shifted (generating 95 M
    distinct rows would take longer than the measurements)."""
    tdir = OUT / "year" / "telemetry"
    week = [weld_day(START + timedelta(days=i), seed=11, interval_s=2.0) for i in range(7)]
    for i in range(days):
        day = START + timedelta(days=i)
        frame = week[i % 7].with_columns(
            pl.col("ts") + timedelta(days=i - i % 7),
            pl.col("weld_id").str.replace(r"-\d{8}-", f"-{day:%Y%m%d}-"),
            passed=pl.col("result") == "pass", document_id=pl.lit("bench"),
        ).drop("result", "plant")
        folder = partition_dir(tdir, "weld", "smelter1", day)
        folder.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(folder / "part-bench-0.parquet", compression="zstd")
    flat = OUT / "year" / "welds_unpartitioned.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_parquet('{tdir}/weld/*/*/*.parquet', hive_partitioning = true) "
                f"ORDER BY ts) TO '{flat}' (FORMAT parquet, COMPRESSION zstd)")
    con.close()
    return tdir, flat


def bench_drill_and_refresh(days: int) -> list[str]:
    tdir, flat = _year(days)
    db = tdir.parent / "pulse.duckdb"
    con = warehouse.open_staging(db)
    warehouse.create_views(con)
    target = START + timedelta(days=days // 2)
    rows = con.execute(f"SELECT count(*) FROM '{flat}'").fetchall()[0][0]

    partitioned = best_of(5, lambda: weld_rows(con, target, line="W1", robot="R3"))
    nxt = target + timedelta(days=1)
    flat_sql = (f"SELECT * FROM '{flat}' WHERE ts >= TIMESTAMP '{target}' AND ts < TIMESTAMP '{nxt}' "
                "AND line = 'W1' AND robot = 'R3' ORDER BY ts")
    flat_cast_sql = f"SELECT * FROM '{flat}' WHERE CAST(ts AS DATE) = DATE '{target}' AND robot = 'R3' ORDER BY ts"
    unpart = best_of(5, lambda: con.sql(flat_sql).pl())
    unpart_cast = best_of(3, lambda: con.sql(flat_cast_sql).pl())
    assert weld_rows(con, target, robot="R3").height == con.sql(flat_sql).pl().height

    con.close()
    shutil.rmtree(OUT / "year")
    return [
        f"A year: {days} days, {rows:,} welds (6 robots, one weld per robot every 2 s). Best of 5.\n",
        "| drill-down: one robot, one day | seconds | ratio (unpartitioned / this) |",
        "| --- | --- | --- |",
        f"| `weld_rows(con, day, robot=...)`: one partition | {partitioned:.3f} | 1.0 |",
        f"| unpartitioned copy, `ts` range filter (row-group stats prune) | {unpart:.3f} | {unpart / partitioned:.1f} |",
        f"| unpartitioned copy, `CAST(ts AS DATE) = day` | {unpart_cast:.3f} | {unpart_cast / partitioned:.1f} |",
        "",
    ]


def bench_bundled() -> list[str]:
    from etl.pipeline import run_load
    from etl.plant.simulate import ensure_bundled_history

    work = OUT / "bundled"
    shutil.rmtree(work, ignore_errors=True)
    t = time.perf_counter()
    files = ensure_bundled_history(work / "inbox")
    gen = time.perf_counter() - t
    t = time.perf_counter()
    run_load(load_settings(db=work / "wh" / "pulse.duckdb", inbox=work / "inbox", quarantine=work / "q"))
    load = time.perf_counter() - t
    size = sum(f.stat().st_size for f in files)
    shutil.rmtree(work)
    return [
        "| bundled plant history (92 days, one weld per robot every 30 s, 1.59 M welds) | seconds |",
        "| --- | --- |",
        f"| generate ({len(files)} files, {size / 1e6:.0f} MB) | {gen:.1f} |",
        f"| `pulse load` of just these files (fresh warehouse) | {load:.1f} |",
        "",
    ]


def main() -> str:
    sizes = [int(d) for d in os.environ.get("PULSE_BENCH_CSV_DAYS", "7,90").split(",")]
    runs = int(os.environ.get("PULSE_BENCH_RUNS", "3"))
    year_days = int(os.environ.get("PULSE_BENCH_YEAR_DAYS", "365"))
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        parts = os.environ.get("PULSE_BENCH_PLANT_PARTS", "bundled,ingest,year").split(",")
        lines = ["## Plant telemetry (`bench/bench_plant.py`)\n"]
        if "bundled" in parts:
            lines += bench_bundled()
        if "ingest" in parts:
            lines.append("### Ingest of one weld CSV against DuckDB's COPY, two sizes\n")
            for days in sizes:
                lines += bench_ingest(days, runs)
        if "dirty" in parts:
            lines += bench_ingest(sizes[0], runs, dirty=True)
        if "year" in parts:
            lines += bench_drill_and_refresh(year_days)
    finally:
        shutil.rmtree(OUT, ignore_errors=True)
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
