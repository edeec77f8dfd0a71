"""Synthetic warehouse content for benchmarks and dashboard tests.

- `add_series`: N monthly series over Y years, written as observations of one synthetic document.
- `add_plant`: plant KPI tables shaped like the plant issue's view contract (v_weld_daily,
  v_weld_pchart, v_weld_defects, v_gallium_batches, v_gallium_ichart, v_spc_alerts), marked
  simulated. They stand in for the plant helper's views until those are merged; tables, not views,
  so they survive `publish` (which recreates only etl/views).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from etl import warehouse
from etl.catalog import load_catalog
from etl.settings import Settings

CATEGORIES = ("output", "price", "credit", "innovation", "industry", "finance", "company")
UNITS = {"output": ("t", "万吨", 1e4), "price": ("CNY/t", "元/吨", 1.0), "credit": ("CNY", "万亿元", 1e12),
         "innovation": ("index", "", 1.0), "industry": ("%", "%", 1.0), "finance": ("CNY", "亿元", 1e8),
         "company": ("CNY", "亿元", 1e8)}


def _document(con: duckdb.DuckDBPyConnection, name: str, load_id: str, simulated: bool) -> str:
    doc_id = f"{abs(hash(name)) % 16**16:016x}"
    con.execute("INSERT INTO documents VALUES (?, ?, ?, ?, 'synthetic', ?, ?, 0, ?, ?)",
                [doc_id, doc_id * 4, name, name, name, date(2025, 10, 1), simulated, load_id])
    return doc_id


def add_series(con: duckdb.DuckDBPyConnection, n_series: int, years: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    load_id = "20250101T000000Z-synt"
    doc = _document(con, f"synthetic_{n_series}x{years}.csv", load_id, False)
    months = years * 12
    ends = [date(2025 - years + (m // 12), m % 12 + 1, 1) for m in range(months)]
    ends = [(d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1) for d in ends]
    starts = [d.replace(day=1) for d in ends]
    series_rows, frames = [], []
    for i in range(n_series):
        category = CATEGORIES[i % len(CATEGORIES)]
        unit, display, factor = UNITS[category]
        sid = f"syn_{category}_{i:04d}"
        series_rows.append((sid, f"合成指标{i:04d}", f"Synthetic series {i:04d}", "合成", category, unit, display,
                            factor, "M", "rate" if unit == "%" else "flow", False, None, [], "synthetic"))
        level = 100 + np.cumsum(rng.normal(0, 2, months))
        values = (level if unit in ("%", "index") else np.abs(level) * factor * 10)
        frames.append(pl.DataFrame({"series_id": sid, "period_start": starts, "period_end": ends, "value": values}))
    con.executemany("INSERT OR REPLACE INTO series VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", series_rows)
    obs = pl.concat(frames).with_columns(document_id=pl.lit(doc), load_id=pl.lit(load_id),
                                        quote=pl.lit("合成数据 synthetic"))
    con.register("synthetic_obs", obs.to_arrow())
    con.execute("""INSERT INTO observations (series_id, period_start, period_end, value, unit, document_id, quote, load_id)
                   SELECT o.series_id, o.period_start, o.period_end, o.value, s.unit, o.document_id, o.quote, o.load_id
                   FROM synthetic_obs o JOIN series s USING (series_id)""")
    con.unregister("synthetic_obs")


def add_plant(con: duckdb.DuckDBPyConnection, days: int, lines: int = 2, robots: int = 4, batches_per_day: int = 3,
              seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    first = date(2025, 10, 31) - timedelta(days=days - 1)
    daily = []
    for d in range(days):
        day = first + timedelta(days=d)
        for li in range(lines):
            for r in range(robots):
                welds = int(rng.integers(800, 1200))
                failed = int(rng.binomial(welds, 0.0015 + (0.004 if (d % 97 == 13 and r == 0) else 0)))
                p50 = float(rng.normal(12, 0.5))
                daily.append((day, "P1", f"L{li + 1}", f"L{li + 1}-R{r + 1}", welds, welds - failed,
                              (welds - failed) / welds * 100, p50, p50 + 3, p50 + 5, True))
    weld = pl.DataFrame(daily, orient="row", schema=["day", "plant", "line", "robot", "welds", "passed",
                                                     "first_pass_yield_pct", "vdrop_p50_mv", "vdrop_p95_mv",
                                                     "vdrop_p99_mv", "simulated"])
    con.register("weld", weld.to_arrow())
    con.execute("CREATE OR REPLACE TABLE v_weld_daily AS SELECT * FROM weld")
    con.execute("""CREATE OR REPLACE TABLE v_weld_pchart AS
        WITH per_line AS (SELECT day, plant, line, NULL::VARCHAR AS robot, sum(welds) AS n,
                                 sum(passed) * 100.0 / sum(welds) AS p_pct FROM weld GROUP BY ALL),
             centre AS (SELECT line, sum(p_pct * n) / sum(n) AS c FROM per_line GROUP BY line)
        SELECT day, plant, line, robot, n, p_pct, c AS center_pct,
               c - 3 * sqrt(c * (100 - c) / n) AS lcl_pct, least(100, c + 3 * sqrt(c * (100 - c) / n)) AS ucl_pct,
               p_pct < c - 3 * sqrt(c * (100 - c) / n) AS out_of_control
        FROM per_line JOIN centre USING (line)""")
    con.execute("""CREATE OR REPLACE TABLE v_weld_defects AS
        SELECT day, plant, line, robot, code AS defect_code, greatest(1, ((welds - passed) * share)::BIGINT) AS welds
        FROM weld, (VALUES ('crack', 0.5), ('porosity', 0.3), ('misalign', 0.15), ('spatter', 0.05)) c(code, share)
        WHERE welds > passed""")
    con.unregister("weld")
    n = days * batches_per_day
    started = [datetime.combine(first, datetime.min.time()) + timedelta(hours=8 * i) for i in range(n)]
    gallium_in = rng.normal(50, 3, n)
    recovery = np.clip(rng.normal(84.6, 0.8, n), 70, 99)
    recovery[n // 2] = 80.0
    batches = pl.DataFrame({"batch_id": [f"B{i:05d}" for i in range(n)], "plant": "P1", "line": "Ga1",
                            "started_at": started, "ended_at": [s + timedelta(hours=7) for s in started],
                            "day": [s.date() for s in started], "liquor_m3": rng.normal(300, 10, n),
                            "gallium_in_kg": gallium_in, "gallium_recovered_kg": gallium_in * recovery / 100,
                            "recovery_pct": recovery, "simulated": True})
    con.register("batches", batches.to_arrow())
    con.execute("CREATE OR REPLACE TABLE v_gallium_batches AS SELECT * FROM batches")
    con.unregister("batches")
    con.execute("""CREATE OR REPLACE TABLE v_gallium_ichart AS
        WITH b AS (SELECT batch_id, started_at, recovery_pct,
                          abs(recovery_pct - lag(recovery_pct) OVER (ORDER BY started_at)) AS mr FROM v_gallium_batches),
             s AS (SELECT avg(recovery_pct) AS c, avg(mr) AS mrbar FROM b)
        SELECT batch_id, started_at, recovery_pct, c AS center_pct, c - 2.66 * mrbar AS lcl_pct,
               c + 2.66 * mrbar AS ucl_pct, mr, 3.267 * mrbar AS mr_ucl,
               recovery_pct NOT BETWEEN c - 2.66 * mrbar AND c + 2.66 * mrbar AS out_of_control
        FROM b, s""")
    con.execute("""CREATE OR REPLACE TABLE v_spc_alerts AS
        SELECT 'plant.gallium.recovery' AS series_id, 'I' AS chart, 'beyond limits' AS rule,
               started_at::DATE AS period_start, started_at::DATE AS period_end, batch_id AS subject,
               recovery_pct AS value, lcl_pct AS "limit", center_pct AS center, 'recovery outside limits' AS detail
        FROM v_gallium_ichart WHERE out_of_control
        UNION ALL
        SELECT 'plant.weld.fpy', 'p', 'beyond limits', day, day, line, p_pct, lcl_pct, center_pct, 'yield below LCL'
        FROM v_weld_pchart WHERE out_of_control""")


def build(db: Path, catalog: Path, n_series: int = 0, years: int = 15, plant_days: int = 0) -> None:
    """Publish a warehouse at `db` holding synthetic series and/or plant tables."""
    with warehouse.writer_lock(db):
        con = warehouse.open_staging(db)
        try:
            warehouse.refresh_catalog(con, load_catalog(catalog))
            if n_series:
                add_series(con, n_series, years)
            if plant_days:
                add_plant(con, plant_days)
            warehouse.publish(con, db)
        except BaseException:
            warehouse.discard_staging(con, db)
            raise


def build_for(settings: Settings, **kwargs: int) -> None:
    build(settings.db, settings.catalog, **kwargs)
