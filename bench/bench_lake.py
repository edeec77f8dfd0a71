"""DuckLake (catalog in a real PostgreSQL, data on local disk) against the file warehouse, same run.

1. Load of the bundled inbox (data/inbox) into a new warehouse.
2. Load of 28 days of simulated plant logs (both lines) on top.
3. A one-robot, one-day drill-down (etl.read.weld_rows), best of 5.
4. The Explore page's server build (AppTest, warm median) over the same warehouse.
5. Two plants' loads (`pulse load` processes, one inbox each, into a warehouse already holding
   the bundled inbox) started together against one after the other: the file backend serialises them on its writer lock; the lake runs both and
   retries the one whose commit conflicts.

Ratios are lake / file. Sizes: PULSE_BENCH_LAKE_DAYS (28) and PULSE_BENCH_LAKE_WELD_S (seconds
between welds of one robot, 30). Needs Debian's postgresql (scripts/setup.sh). Files go to
bench/out/lake/ (git-ignored) and are removed after.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench import best_of
from etl.pipeline import run_load
from etl.plant.simulate import SimConfig, simulate
from etl.read import connect_readonly, weld_rows
from etl.settings import PROJECT_ROOT, Settings, load_settings

OUT = Path(__file__).parent / "out" / "lake"
START = date(2025, 7, 1)
DAYS = int(os.environ.get("PULSE_BENCH_LAKE_DAYS", "28"))
WELD_S = float(os.environ.get("PULSE_BENCH_LAKE_WELD_S", "30"))
RETRIES: dict[str, int] = {}  # loads run again after a commit conflict, per backend and mode


def _settings(root: Path, backend: str, dsn: str | None) -> Settings:
    extra = {"warehouse": f"ducklake:postgres:{dsn}", "data_path": str(root / "lake")} if backend == "lake" else {}
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    return load_settings(db=root / "wh" / "pulse.duckdb", inbox=root / "inbox", quarantine=root / "q", **extra)


def _env(s: Settings, inbox: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(PULSE_DB=os.fspath(s.db), PULSE_INBOX=str(inbox), PULSE_QUARANTINE=str(s.quarantine),
               PULSE_SETTLE_SECONDS="0")
    if s.warehouse.startswith("ducklake:"):
        env.update(PULSE_WAREHOUSE=s.warehouse, PULSE_DATA_PATH=s.data_path)
    return env


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _explore_build(s: Settings, ids: str) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ.update(_env(s, s.inbox))
    runs = []
    for _ in range(4):
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=300)
        at.switch_page("screens/explore.py")
        at.query_params["s"] = ids
        runs.append(_timed(at.run))
    return statistics.median(runs[1:])  # the first run fills the caches of this process


def _two_plants(s: Settings, logs: dict[str, list[Path]], together: bool) -> float:
    inboxes = {}
    for plant, files in logs.items():
        inbox = s.inbox.parent / f"inbox-{plant}-{'together' if together else 'apart'}"
        (inbox / "plant").mkdir(parents=True)
        for f in files:
            shutil.copy(f, inbox / "plant" / f.name)
        inboxes[plant] = inbox
    cmd = [sys.executable, "-m", "dashboard", "load"]
    start = time.perf_counter()
    if together:
        procs = [subprocess.Popen(cmd, env=_env(s, i), cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for i in inboxes.values()]
        results = [(p.wait(timeout=1800), p.stderr.read()) for p in procs]
    else:
        results = [(p.returncode, p.stderr) for p in (
            subprocess.run(cmd, env=_env(s, i), cwd=PROJECT_ROOT, capture_output=True, timeout=1800)
            for i in inboxes.values())]
    elapsed = time.perf_counter() - start
    for code, err in results:
        if code != 0:
            raise RuntimeError(f"a plant load failed: {err.decode()[-400:]}")
    RETRIES[s.warehouse.split(":")[0] + ("-together" if together else "-apart")] = sum(
        err.decode().count("another writer committed first") for _, err in results)
    return elapsed


def _run(backend: str, root: Path, dsns: list[str], plant_dir: Path, logs: dict[str, list[Path]]) -> dict[str, float]:
    s = _settings(root / "main", backend, dsns[0] if dsns else None)
    shutil.copytree(PROJECT_ROOT / "data" / "inbox", s.inbox, dirs_exist_ok=True)
    out = {"bundled": _timed(lambda: run_load(s))}
    shutil.copytree(plant_dir, s.inbox / "plant")
    out["plant"] = _timed(lambda: run_load(s))
    day = START + timedelta(days=DAYS // 2)
    with connect_readonly(s.db) as con:
        rows = weld_rows(con, day, robot="R3").height
        out["drill"] = best_of(5, lambda: weld_rows(con, day, robot="R3"))
    out["drill_rows"] = rows
    out["explore"] = _explore_build(s, "nf10_output,copper_output")
    for label, together, n in (("apart", False, 1), ("together", True, 2)):
        fresh = _settings(root / label, backend, dsns[n] if dsns else None)
        shutil.copytree(PROJECT_ROOT / "data" / "inbox", fresh.inbox, dirs_exist_ok=True)
        run_load(fresh)  # a warehouse in use (schema made), as when plants start loading
        out[label] = _two_plants(fresh, logs, together)
    return out


def main() -> str:
    from tests.servers.postgres import running_postgres

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    plant_dir = OUT / "plant"
    simulate(SimConfig(START, DAYS, seed=11, weld_interval_s=WELD_S, group="day"), plant_dir)
    logs = {"smelter1": sorted(plant_dir.glob("sim_weld_*.csv")), "alumina1": sorted(plant_dir.glob("sim_gallium_*.csv"))}
    try:
        with running_postgres() as server:
            file = _run("file", OUT / "file", [], plant_dir, logs)
            lake = _run("lake", OUT / "lake", [server.new_database(f"bench_{i}") for i in range(3)], plant_dir, logs)
    finally:
        shutil.rmtree(OUT, ignore_errors=True)
    rows = [("Load of the bundled inbox (data/inbox)", "bundled"),
            (f"Load of {DAYS} days of plant logs (a weld every {WELD_S:g} s per robot)", "plant"),
            (f"One robot, one day drill-down (`weld_rows`, {lake['drill_rows']:,} rows; best of 5)", "drill"),
            ("Explore page server build (AppTest, warm median of 3)", "explore"),
            ("Two plants' `pulse load`, one after the other", "apart"),
            ("Two plants' `pulse load`, started together", "together")]
    lines = ["## DuckLake against the file warehouse (bench/bench_lake.py)", "",
             "| what | file (s) | lake (s) | lake / file |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {label} | {file[key]:.3f} | {lake[key]:.3f} | {lake[key] / file[key]:.2f} |" for label, key in rows]
    lines += ["", f"Two plants together / one after the other: file {file['together'] / file['apart']:.2f}, "
              f"lake {lake['together'] / lake['apart']:.2f}. Loads run again after a commit conflict "
              f"(started together): {RETRIES.get('ducklake-together', 0)}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
