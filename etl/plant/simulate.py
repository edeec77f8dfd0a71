"""Simulated MES exports of the welding line and the gallium recovery line.

Calibrated to the published figures: weld pass rate 99.9 % (the full-section joint drops ~11 mV,
where the old explosive-bonded joints lost 30–50 mV) and gallium recovery 84.6 %. The simulation
has shifts (the night shift is a little worse), slow drift (electrode wear on a 14-day maintenance
cycle, resin fouling on a 21-day regeneration cycle) and real excursions for the control charts to
find: a robot out of control for a day, a run of bad gallium batches.

Every day is drawn from its own generator seeded by (seed, kind, day), so a day's rows do not depend
on --start or --days. Every file carries a `simulated` column set to true, and its name starts with
`sim_`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

WELD_PLANT, WELD_LINE = "smelter1", "W1"
GALLIUM_PLANT, GALLIUM_LINE = "alumina1", "GA1"
ROBOTS = tuple(f"R{i}" for i in range(1, 7))
WELDS_PER_CATHODE = 8
BATCHES_PER_DAY = 4

# Calibration (tests/plant/test_simulate.py checks the long-run figures).
BASE_FAIL_P = 0.000667
EXCURSION_FAIL_P = 0.03
EXCURSION_DAY_P = 1 / 40  # chance a day has one robot out of control
BASE_RECOVERY = 0.8538
BAD_RUN_DAY_P = 1 / 35  # chance a day has a run of bad gallium batches
BAD_RUN_LOSS = 0.07

_DEFECTS = np.array(["POR", "LOF", "CRK", "HVD", "MIS"])
_DEFECT_P = np.array([0.35, 0.25, 0.10, 0.20, 0.10])
_EXCURSION_DEFECT_P = np.array([0.10, 0.35, 0.05, 0.45, 0.05])
_KIND_CODE = {"weld": 1, "gallium": 2}

# The bundled history `pulse up` loads on a fresh clone: a sparser weld rate than the real line
# (one weld per robot every 30 s instead of every 2 s) so the first load stays within a minute.
BUNDLED_START = date(2025, 7, 1)
BUNDLED_DAYS = 92
BUNDLED_SEED = 20250701
BUNDLED_INTERVAL_S = 30.0


@dataclass(frozen=True)
class SimConfig:
    start: date
    days: int
    seed: int = 42
    weld_interval_s: float = 2.0  # seconds between welds of one robot (the real line: ~2 s)
    group: str = "day"  # one file per "day" or per "month"
    fmt: str = "csv"  # "csv" or "parquet" for the weld logs (gallium logs are always CSV)
    tag: str = ""  # added to file names, e.g. "bundled-every30s"


def _rng(seed: int, kind: str, day: date) -> np.random.Generator:
    return np.random.default_rng([seed, _KIND_CODE[kind], day.toordinal()])


def _cycle(day: date, period_days: int) -> float:
    """0 at maintenance, rising to 1 just before the next (a sawtooth)."""
    return (day.toordinal() % period_days) / period_days


def _excursion_robot(seed: int, day: date) -> int | None:
    rng = np.random.default_rng([seed, 9, day.toordinal()])
    return int(rng.integers(len(ROBOTS))) if rng.random() < EXCURSION_DAY_P else None


def weld_day(day: date, seed: int = 42, interval_s: float = 2.0) -> pl.DataFrame:
    """One day of the welding line, one row per weld, in time order."""
    rng = _rng(seed, "weld", day)
    per_robot = int(86_400 // interval_s)
    bad = _excursion_robot(seed, day)
    wear = _cycle(day, 14)
    seasonal = np.sin(2 * np.pi * day.toordinal() / 120)
    frames = []
    for r, robot in enumerate(ROBOTS):
        offsets = np.arange(per_robot) * interval_s + rng.uniform(0, interval_s * 0.8, per_robot)
        hours = offsets // 3600
        night = hours < 8
        out = r == bad
        p = BASE_FAIL_P * (1 + 0.5 * wear) * np.where(night, 1.25, 0.95)
        if out:
            p = np.full(per_robot, EXCURSION_FAIL_P)
        failed = rng.random(per_robot) < p
        current = rng.normal(14_000 + 120 * (r - 2.5), 750 if out else 250, per_robot)
        temperature = rng.normal(480 + 3 * seasonal, 25 if out else 12, per_robot)
        vdrop = rng.normal(10.5 + 0.3 * r + 1.5 * wear + 0.8 * seasonal + (8 if out else 0), 1.2, per_robot)
        vdrop = np.where(failed, vdrop + rng.gamma(4, 4, per_robot), vdrop).clip(1)
        codes = rng.choice(_DEFECTS, per_robot, p=_EXCURSION_DEFECT_P if out else _DEFECT_P)
        seq = np.arange(per_robot)
        frames.append(
            pl.DataFrame(
                {
                    "offset_ms": (offsets * 1000).astype(np.int64),
                    "robot": robot,
                    "seq": seq,
                    "current_a": current.round(0),
                    "temperature_c": temperature.round(1),
                    "vdrop_mv": vdrop.round(2),
                    "failed": failed,
                    "code": codes,
                }
            )
        )
    return _format_welds(pl.concat(frames).sort("offset_ms"), day)


def _format_welds(df: pl.DataFrame, day: date) -> pl.DataFrame:
    stamp = day.strftime("%Y%m%d")
    midnight = datetime(day.year, day.month, day.day)
    seq6 = pl.col("seq").cast(pl.Utf8).str.zfill(6)
    cathode = (pl.col("seq") // WELDS_PER_CATHODE).cast(pl.Utf8).str.zfill(5)
    return df.select(
        ts=pl.lit(midnight) + pl.duration(milliseconds=pl.col("offset_ms")),
        plant=pl.lit(WELD_PLANT),
        line=pl.lit(WELD_LINE),
        robot=pl.col("robot"),
        cathode_id=pl.concat_str([pl.lit(f"C{stamp}-"), pl.col("robot"), pl.lit("-"), cathode]),
        weld_id=pl.concat_str([pl.lit(f"{WELD_LINE}-{stamp}-"), pl.col("robot"), pl.lit("-"), seq6]),
        current_a=pl.col("current_a"),
        temperature_c=pl.col("temperature_c"),
        vdrop_mv=pl.col("vdrop_mv"),
        result=pl.when(pl.col("failed")).then(pl.lit("fail")).otherwise(pl.lit("pass")),
        defect_code=pl.when(pl.col("failed")).then(pl.col("code")).otherwise(pl.lit(None, pl.Utf8)),
        simulated=pl.lit(True),
    )


def gallium_day(day: date, seed: int = 42) -> pl.DataFrame:
    """One day of the gallium recovery line, one row per batch."""
    rng = _rng(seed, "gallium", day)
    bad_run = rng.random() < BAD_RUN_DAY_P
    fouling = _cycle(day, 21)
    starts = np.arange(BATCHES_PER_DAY) * (24 / BATCHES_PER_DAY) + rng.uniform(0, 0.4, BATCHES_PER_DAY)
    hours = rng.uniform(5.2, 5.8, BATCHES_PER_DAY)
    liquor = rng.normal(320, 15, BATCHES_PER_DAY)
    conc = rng.normal(0.21 + 0.01 * np.sin(2 * np.pi * day.toordinal() / 60), 0.008, BATCHES_PER_DAY)
    recovery = rng.normal(BASE_RECOVERY - 0.012 * fouling, 0.009, BATCHES_PER_DAY)
    if bad_run:
        recovery -= rng.uniform(0.8, 1.0, BATCHES_PER_DAY) * BAD_RUN_LOSS
    gallium_in = liquor * conc
    midnight = datetime(day.year, day.month, day.day)
    stamp = day.strftime("%Y%m%d")
    started = [midnight + timedelta(hours=float(h)) for h in starts]
    return pl.DataFrame(
        {
            "batch_id": [f"{GALLIUM_LINE}-{stamp}-{k + 1:02d}" for k in range(BATCHES_PER_DAY)],
            "plant": GALLIUM_PLANT,
            "line": GALLIUM_LINE,
            "started_at": started,
            "ended_at": [s + timedelta(hours=float(h)) for s, h in zip(started, hours, strict=True)],
            "liquor_m3": liquor.round(1),
            "gallium_in_kg": gallium_in.round(3),
            "gallium_recovered_kg": (gallium_in * recovery).round(3),
            "simulated": True,
        }
    ).with_columns(pl.col("started_at", "ended_at").dt.truncate("1s"))


def _groups(cfg: SimConfig) -> Iterator[tuple[str, list[date]]]:
    days = [cfg.start + timedelta(days=i) for i in range(cfg.days)]
    key = (lambda d: d.isoformat()) if cfg.group == "day" else (lambda d: d.strftime("%Y-%m"))
    label: str | None = None
    bucket: list[date] = []
    for d in days:
        if key(d) != label and bucket:
            yield label or "", bucket
            bucket = []
        label = key(d)
        bucket.append(d)
    if bucket:
        yield label or "", bucket


def file_name(kind: str, line: str, label: str, ext: str, tag: str = "") -> str:
    return f"sim_{kind}_{line}_{label}{'_' + tag if tag else ''}.{ext}"


_TS_FORMAT = "%Y-%m-%d %H:%M:%S%.3f"


def _write(frames: Iterator[pl.DataFrame], path: Path, fmt: str) -> None:
    """Write day frames to `path` under a temporary name, renamed when complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        writer: pq.ParquetWriter | None = None
        try:
            for df in frames:
                table = df.to_arrow()
                if writer is None:
                    meta = {b"pulse.simulated": b"true"}
                    writer = pq.ParquetWriter(tmp, table.schema.with_metadata(meta), compression="zstd")
                writer.write_table(table.replace_schema_metadata(writer.schema.metadata))
        finally:
            if writer is not None:
                writer.close()
    else:
        with tmp.open("wb") as fh:
            for i, df in enumerate(frames):
                df.write_csv(fh, include_header=i == 0, datetime_format=_TS_FORMAT)
    os.replace(tmp, path)


def simulate(cfg: SimConfig, out: Path) -> list[Path]:
    """Write the welding and gallium logs for cfg's days into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for label, days in _groups(cfg):
        weld_path = out / file_name("weld", WELD_LINE, label, cfg.fmt, cfg.tag)
        _write((weld_day(d, cfg.seed, cfg.weld_interval_s) for d in days), weld_path, cfg.fmt)
        ga_path = out / file_name("gallium", GALLIUM_LINE, label, "csv", cfg.tag)
        _write((gallium_day(d, cfg.seed) for d in days), ga_path, "csv")
        written += [weld_path, ga_path]
    return written


def bundled_config() -> SimConfig:
    tag = f"bundled-every{int(BUNDLED_INTERVAL_S)}s"
    return SimConfig(BUNDLED_START, BUNDLED_DAYS, BUNDLED_SEED, BUNDLED_INTERVAL_S, "month", "parquet", tag)


def ensure_bundled_history(inbox: Path) -> list[Path]:
    """Write the bundled simulated plant history into inbox/plant/ unless it is already there.

    Q3 2025, one weld per robot every 30 s (the real line welds every ~2 s), one Parquet weld log
    and one CSV gallium log per month. Returns the files written by this call (none when every
    bundled file already exists).
    """
    cfg = bundled_config()
    out = inbox / "plant"
    expected = [
        out / file_name(kind, line, label, ext, cfg.tag)
        for label, _ in _groups(cfg)
        for kind, line, ext in (("weld", WELD_LINE, cfg.fmt), ("gallium", GALLIUM_LINE, "csv"))
    ]
    if all(p.exists() for p in expected):
        return []
    return simulate(cfg, out)
