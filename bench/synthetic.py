"""Synthetic warehouse content for benchmarks and dashboard tests.

- `add_series`: N monthly series over Y years, written as observations of one synthetic document.
- `add_plant`: simulated plant logs loaded through `pulse load`'s pipeline (real plant views).
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
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
    con.execute("""INSERT INTO documents (document_id, sha256, path, file_name, kind, title, published, size_bytes,
                                         simulated, load_id) VALUES (?, ?, ?, ?, 'synthetic', ?, ?, 0, ?, ?)""",
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
    con.executemany("""INSERT OR REPLACE INTO series (series_id, name_zh, name_en, subject, category, unit,
                       display_unit, display_factor, frequency, kind, cumulative, family, aliases, description)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", series_rows)
    obs = pl.concat(frames).with_columns(document_id=pl.lit(doc), load_id=pl.lit(load_id),
                                        quote=pl.lit("合成数据 synthetic"))
    con.register("synthetic_obs", obs.to_arrow())
    con.execute("""INSERT INTO observations (series_id, period_start, period_end, value, unit, document_id, quote, load_id)
                   SELECT o.series_id, o.period_start, o.period_end, o.value, s.unit, o.document_id, o.quote, o.load_id
                   FROM synthetic_obs o JOIN series s USING (series_id)""")
    con.unregister("synthetic_obs")


def add_plant(db: Path, catalog: Path, days: int, weld_interval_s: float = 120.0) -> None:
    """Simulated plant logs for `days` days, loaded through the real pipeline (so the plant views,
    KPIs and control charts are the real ones). A sparse weld rate keeps it quick."""
    from etl.pipeline import run_load
    from etl.plant.simulate import SimConfig, simulate
    from etl.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="pulse-synthetic-plant-") as tmp:
        inbox = Path(tmp) / "inbox"
        simulate(SimConfig(date(2025, 1, 1), days, seed=11, weld_interval_s=weld_interval_s, group="month",
                           fmt="parquet"), inbox)
        settings = load_settings(db=db, catalog=catalog, inbox=inbox, quarantine=Path(tmp) / "quarantine")
        result = run_load(settings)
        if result.exit_code:
            raise RuntimeError(f"synthetic plant logs were rejected: {[f.error for f in result.files]}")


def build(db: Path, catalog: Path, n_series: int = 0, years: int = 15, plant_days: int = 0) -> None:
    """Publish a warehouse at `db` holding synthetic series and/or plant tables."""
    with warehouse.writer_lock(db):
        con = warehouse.open_staging(db)
        try:
            warehouse.refresh_catalog(con, load_catalog(catalog))
            if n_series:
                add_series(con, n_series, years)
            warehouse.publish(con, db)
        except BaseException:
            warehouse.discard_staging(con, db)
            raise
    if plant_days:
        add_plant(db, catalog, plant_days)


def build_for(settings: Settings, **kwargs: int) -> None:
    build(settings.db, settings.catalog, **kwargs)


# --- table files for the load benchmark (issue 17) ---------------------------------------------

LONG_HEADER = "series_id,period_start,period_end,value,unit,change_pct,subject,source_url,source_quote\n"


def _long_series(catalog: Path) -> list[tuple[str, str, str]]:
    """(id, display unit, kind) of every catalog series a table row can name with its display unit."""
    cat = load_catalog(catalog)
    return [(s.id, s.display_unit, s.kind) for s in cat.series.values() if s.display_unit and not s.cumulative]


def long_table_csv(path: Path, rows: int, catalog: Path | None = None, first_row: int = 0) -> int:
    """A long-format CSV of `rows` rows: every catalog series (in its display unit: 万吨, 亿元,
    万亿元, 元/吨 …, so values need exact scaling) x consecutive past days from 1950, so each
    (series, period) is stated once, as in a real history. A YoY only on flows (a made-up YoY on a
    price or index would imply last year's value and be held for review). `first_row`: the rows
    that follow a file of that many rows (new periods for a warehouse that holds it)."""
    from datetime import date as _date
    from datetime import timedelta as _timedelta

    series = _long_series(catalog or Path(__file__).resolve().parent.parent / "data" / "catalog.toml")
    first = _date(1950, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(LONG_HEADER)
        for r in range(first_row, first_row + rows):
            sid, unit, kind = series[r % len(series)]
            day = (first + _timedelta(days=r // len(series))).isoformat()
            value = f"{100 + (r * 7919) % 100_000 / 100:.2f}"
            change = f"{(r % 90) / 10:.1f}" if kind == "flow" else ""
            fh.write(f"{sid},{day},{day},{value},{unit},{change},,https://example.org/{r % 50},"
                     f"\"{sid} {day},{value}{unit}\"\n")
    return rows


def wide_table_csv(path: Path, rows: int, months: int = 120) -> int:
    """An NBS-style wide CSV of `rows` indicator rows x `months` month columns (rows*months cells),
    each indicator a company's 当期值 row that maps to nf10_output / refined_copper_output."""
    from datetime import date as _date

    labels = []
    for m in range(months):  # newest first, as NBS exports are
        d = _date(2024 - m // 12, 12 - m % 12, 1)
        labels.append(f"{d.year}年{d.month}月")
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("数据库：月度数据\n地区：全国\n指标," + ",".join(labels) + "\n")
        for r in range(rows):
            name = ("十种有色金属产量", "精炼铜产量")[r % 2]
            cells = ",".join(f"{(r * 31 + c * 7) % 900 / 10 + 100:.1f}" for c in range(months))
            fh.write(f"公司{r:05d}{name}当期值(万吨),{cells}\n")
        fh.write("注：合成数据\n")
    return rows * months
