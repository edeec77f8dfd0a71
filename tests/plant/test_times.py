"""Plant times are the plant's local time: a time written with a UTC offset, Z or UTC (an MES
exporting in UTC), or a zoned Parquet timestamp, is converted to the plant_timezone setting; a
time without a zone is taken as written. Casting such text to TIMESTAMP alone drops the offset."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.plant.telemetry import detect_kind, validate, write_parts
from etl.records import RowReject
from etl.settings import SettingsError, load_settings
from tests.conftest import CASES

PLANT = CASES / "plant"


def _rows(path: Path, root: Path, zone: str = "Asia/Shanghai") -> pl.DataFrame:
    kind = detect_kind(path)
    assert kind is not None
    got = validate(path, kind, hashlib.sha256(path.read_bytes()).hexdigest(), [], root / "telemetry", zone)
    try:
        assert got.rejects == []
        parts = write_parts(got, root, "load-1")
    finally:
        got.close()
    files = [str(root / p.path) for p in parts]
    # document_id is the file's own (its sha256): the rows compare without it
    return duckdb.sql(f"SELECT * EXCLUDE (document_id) FROM read_parquet({files}, hive_partitioning = true) "
                      "ORDER BY ALL").pl()


def test_times_with_utc_offsets_load_as_the_plants_local_time(tmp_path):
    # the same instants as welds_clean.csv (Asia/Shanghai), written as Z, +00:00, +08:00, -05:00
    offsets = _rows(PLANT / "times_with_utc_offsets.csv", tmp_path / "offsets")
    local = _rows(PLANT / "welds_clean.csv", tmp_path / "local")
    assert offsets.height == 10
    assert offsets.equals(local), (offsets.select("ts", "date"), local.select("ts", "date"))


def test_the_plant_timezone_setting_decides_the_local_time(tmp_path):
    rows = _rows(PLANT / "times_with_utc_offsets.csv", tmp_path, zone="UTC").sort("ts")
    # 2025-03-01 00:11:47.258 in Shanghai is 2025-02-28 16:11:47.258 UTC: another day's part
    assert rows["ts"][0] == datetime(2025, 2, 28, 16, 11, 47, 258000)
    assert sorted(set(rows["date"].to_list())) == [datetime(2025, 2, 28).date()]


def test_a_zoned_parquet_timestamp_is_the_plants_local_time(tmp_path):
    local = pl.read_csv(PLANT / "welds_clean.csv", try_parse_dates=True)
    zoned = local.with_columns(pl.col("ts").dt.replace_time_zone("Asia/Shanghai").dt.convert_time_zone("UTC"))
    zoned.write_parquet(tmp_path / "welds_utc.parquet")
    assert zoned.schema["ts"] == pl.Datetime("us", "UTC")
    assert _rows(tmp_path / "welds_utc.parquet", tmp_path / "zoned").equals(
        _rows(PLANT / "welds_clean.csv", tmp_path / "local"))


def test_a_zone_abbreviation_is_refused_not_guessed(tmp_path):
    """CST is China's standard time to a person here and US Central to a parser: refused."""
    lines = (PLANT / "welds_clean.csv").read_text().splitlines()
    lines[2] = lines[2].replace("2025-03-01 00:39:14.891", "2025-03-01 00:39:14 CST")
    path = tmp_path / "welds_cst.csv"
    path.write_text("\n".join(lines) + "\n")
    kind = detect_kind(path)
    got = validate(path, kind, "0" * 64, [], tmp_path / "telemetry")
    try:
        assert got.rejects == [RowReject(3, "ts '2025-03-01 00:39:14 CST' does not parse as a date and time")]
    finally:
        got.close()


def test_a_plant_timezone_that_is_no_zone_stops_with_the_setting_named(monkeypatch):
    monkeypatch.setenv("PULSE_PLANT_TIMEZONE", "Beijing")
    with pytest.raises(SettingsError, match=r"^plant_timezone 'Beijing' is not a time zone name \(an IANA name such "
                                            r"as Asia/Shanghai\); fix it in pulse.toml or PULSE_PLANT_TIMEZONE.$"):
        load_settings()
