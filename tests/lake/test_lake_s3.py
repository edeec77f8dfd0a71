"""A real `pulse load` into a DuckLake whose data path is a bucket on the moto S3 server.

The catalog is in the session's PostgreSQL; the data files go to s3://…/pulse/ through DuckDB's
httpfs, set up by the s3_* settings only (endpoint, keys, path-style URLs). The telemetry lands in
the bucket, partitioned by plant and day, nothing of it on local disk, and a one-day drill-down
reads it back through etl.read.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from etl.read import connect_readonly, weld_rows
from tests.lake.conftest import Lake, PlantLogs

pytestmark = pytest.mark.slow


def test_a_load_with_the_data_path_in_a_bucket_writes_its_files_there_and_reads_them_back(
        postgres_db, s3_server, plant_logs: PlantLogs, tmp_path):
    bucket = s3_server.new_bucket("pulse-plant-lake")
    lake = Lake(tmp_path, postgres_db, data_path=f"{bucket}pulse/",
                more={"s3_endpoint": s3_server.url, "s3_key_id": s3_server.access_key,
                      "s3_secret": s3_server.secret, "s3_region": s3_server.region, "s3_url_style": "path"})
    files, rows = plant_logs.files["smelter1"], plant_logs.rows["smelter1"]
    done = lake.load(lake.inbox("smelter1", files))
    assert f"{len(files)} file(s) loaded ({rows} rows), 0 skipped, 0 rejected" in done.stderr

    assert lake.state()["smelter1"] == rows
    weld_keys = [k for k in s3_server.keys("pulse-plant-lake") if "/telemetry_weld/" in k]
    assert all(k.startswith("pulse/") and k.endswith(".parquet") for k in weld_keys), weld_keys
    days = sorted({re.search(r"date=([0-9-]+)", k).group(1) for k in weld_keys})
    assert days == ["2026-01-05", "2026-01-06", "2026-01-07"]  # one partition per simulated day
    assert all("plant=smelter1" in k for k in weld_keys)
    assert list(tmp_path.rglob("*.parquet")) == []  # no data file on local disk

    per_day = Counter(line[:10] for f in files for line in f.read_text(encoding="utf-8").splitlines()[1:])
    con = connect_readonly(lake.settings.db)
    try:
        day = weld_rows(con, date(2026, 1, 6), plant="smelter1")
    finally:
        con.close()
    assert day.height == per_day["2026-01-06"]
