"""Plant telemetry at scale, in one run (ratios against baselines measured in the same run).

1. Ingest of a multi-GB weld CSV (validate, de-duplicate, write hive-partitioned Parquet) against
   DuckDB's own `read_csv` -> Parquet COPY of the same file; peak memory of each (child processes).
2. A one-robot, one-day drill-down against a full year at the real rate (~95 M welds): the
   partitioned layout (`weld_rows`) against the same query over one unpartitioned Parquet copy.
3. KPI refresh after a one-day file against recomputing the year.
4. The bundled history `pulse up` loads on a fresh clone: generate + load.

Sizes: PULSE_BENCH_CSV_DAYS (default 80 days at one weld per robot every 2 s, ~2.3 GB) and
PULSE_BENCH_YEAR_DAYS (default 365); PULSE_BENCH_PLANT_PARTS picks parts (bundled,ingest,year). Files go to bench/out/ (git-ignored) and are removed after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from bench import best_of
from etl import warehouse
from etl.plant import kpi
from etl.plant.schema import WELD
from etl.plant.simulate import SimConfig, simulate, weld_day
from etl.plant.telemetry import partition_dir, weld_rows
from etl.settings import load_settings

OUT = Path(__file__).parent / "out" / "plant"
START = date(2025, 1, 1)

_CHILD_INGEST = """
import resource, sys, time
from pathlib import Path
from etl.pipeline import run_load
from etl.settings import load_settings
path, root = Path(sys.argv[1]), Path(sys.argv[2])
inbox = root / "inbox"
inbox.mkdir(parents=True)
path.rename(inbox / path.name)  # the whole load path: scan, detect, validate, Parquet parts, derive, publish
settings = load_settings(db=root / "wh" / "pulse.duckdb", inbox=inbox, quarantine=root / "q")
t = time.perf_counter()
result = run_load(settings)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, result.rows)
"""

_CHILD_BASELINE = """
import resource, sys, time, duckdb
path, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
t = time.perf_counter()
con.execute(f"COPY (SELECT * FROM read_csv('{path}')) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, 0)
"""


def _child(code: str, *args: str) -> tuple[float, int, int]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    seconds, rss, rows = done.stdout.strip().splitlines()[-1].split()
    return float(seconds), int(rss), int(rows)


def bench_ingest(days: int) -> list[str]:
    src = OUT / "csv"
    files = simulate(SimConfig(START, days, seed=11, weld_interval_s=2.0, group="month"), src)
    weld_files = [f for f in files if "weld" in f.name]
    big = OUT / "welds_big.csv"
    with big.open("wb") as out:  # one multi-GB file: the monthly files concatenated, one header
        for i, f in enumerate(weld_files):
            with f.open("rb") as fh:
                if i:
                    fh.readline()
                shutil.copyfileobj(fh, out, 1 << 22)
    shutil.rmtree(src)
    size = big.stat().st_size
    base_t, base_rss, _ = _child(_CHILD_BASELINE, str(big), str(OUT / "baseline.parquet"))
    ing_t, ing_rss, rows = _child(_CHILD_INGEST, str(big), str(OUT / "ingest_telemetry"))
    big.unlink(missing_ok=True)
    shutil.rmtree(OUT / "ingest_telemetry", ignore_errors=True)
    (OUT / "baseline.parquet").unlink(missing_ok=True)
    return [
        f"Weld CSV: {size / 1e9:.2f} GB, {rows:,} rows ({days} days at the real rate).\n",
        "| what | seconds | MB/s | peak RSS | ratio (throughput vs baseline) |",
        "| --- | --- | --- | --- | --- |",
        f"| DuckDB `read_csv` -> Parquet (baseline) | {base_t:.1f} | {size / 1e6 / base_t:.0f} | "
        f"{base_rss / 1e9:.2f} GB | 1.00 |",
        f"| `pulse load` of the file: validate, de-duplicate, partitioned Parquet, KPIs, publish | {ing_t:.1f} | {size / 1e6 / ing_t:.0f} | "
        f"{ing_rss / 1e9:.2f} GB | {base_t / ing_t:.2f} |",
        "",
    ]


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

    parts = [("smelter1", START + timedelta(days=i)) for i in range(days)]
    year_t = best_of(1, lambda: kpi.refresh(con, WELD, parts, tdir, "bench", "bench-load"))
    day_t = best_of(3, lambda: kpi.refresh(con, WELD, [("smelter1", target)], tdir, "bench", "bench-load"))
    month_t = best_of(1, lambda: kpi.refresh(con, WELD, parts[:30], tdir, "bench", "bench-load"))
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
        "| KPI refresh (aggregates + KPI observations) | seconds | ratio to one day |",
        "| --- | --- | --- |",
        f"| one day's file, a year already loaded | {day_t:.3f} | 1.0 |",
        f"| 30 days | {month_t:.3f} | {month_t / day_t:.1f} |",
        f"| the whole year | {year_t:.3f} | {year_t / day_t:.1f} |",
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
    csv_days = int(os.environ.get("PULSE_BENCH_CSV_DAYS", "80"))
    year_days = int(os.environ.get("PULSE_BENCH_YEAR_DAYS", "365"))
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        parts = os.environ.get("PULSE_BENCH_PLANT_PARTS", "bundled,ingest,year").split(",")
        lines = ["## Plant telemetry (`bench/bench_plant.py`)\n"]
        if "bundled" in parts:
            lines += bench_bundled()
        if "ingest" in parts:
            lines += bench_ingest(csv_days)
        if "year" in parts:
            lines += bench_drill_and_refresh(year_days)
    finally:
        shutil.rmtree(OUT, ignore_errors=True)
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
