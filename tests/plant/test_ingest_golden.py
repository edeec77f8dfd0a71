"""The plant ingest's whole output, pinned: a rewrite of the ingest must give exactly these rows.

The goldens (tests/cases/plant/golden/*.json) were written by the ingest as it was before the
one-pass rewrite (main at de93487), from small case files with every kind of bad row, duplicates in
the file and across files, failed welds, a second plant, rows out of day order, a late second file for
a day already loaded (the aggregates then read that day's earlier part), a Parquet input and a mostly
bad file. Compared: every file's outcome and message, the rejects, the listed parts, every part's
Parquet schema and rows, the aggregate tables, the KPI observations, and what stays in the inbox and
quarantine. Floats are compared exactly (JSON keeps the shortest repr that round-trips).

To rewrite the goldens (only when a change of output is intended):
`PULSE_WRITE_GOLDENS=1 .venv/bin/pytest tests/plant/test_ingest_golden.py`.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.pipeline import LoadResult
from tests.plant.conftest import CASES, load

GOLDEN = CASES / "golden"
AGGREGATES = ("plant_weld_robot_shift", "plant_weld_robot_daily", "plant_weld_line_daily", "plant_weld_defects",
              "plant_gallium_batches")
_WRITE = os.environ.get("PULSE_WRITE_GOLDENS") == "1"  # read at import: the tests' fixtures clear PULSE_*
OBSERVATION_COLUMNS = ("series_id, subject, indicator, period_label, period_start, period_end, value, unit, "
                       "value_as_written, unit_as_written, derived, document_id, quote")


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list:
    return _plain(con.execute(sql, params).fetchall())  # type: ignore[return-value]


def _outcomes(result: LoadResult) -> list:
    return sorted([f.path.name, f.status, f.rows, f.rows_rejected, f.error, f.notice] for f in result.files)


def _snapshot(settings, results: list[LoadResult]) -> dict:
    """Everything the loads left behind, with each load's id replaced by its number (ids are random)."""
    ids = {r.load_id: f"<load {i}>" for i, r in enumerate(results, 1)}

    def unload(text: str) -> str:
        for load_id, name in ids.items():
            text = text.replace(load_id, name)
        return text

    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        parts = _rows(con, "SELECT path, kind, plant, day, rows, document_id, load_id FROM telemetry_parts "
                           "ORDER BY path")
        snap: dict = {
            "outcomes": [_outcomes(r) for r in results],
            "rejects": sorted([ids[r[0]], Path(r[1]).name, r[2], r[3]] for r in _rows(
                con, "SELECT load_id, file_path, row_number, reason FROM rejects")),
            "parts": [[unload(p[0]), *p[1:6], ids[p[6]]] for p in parts],
            "part_files": {},
            "aggregates": {t: _rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in AGGREGATES},
            "observations": _rows(con, f"SELECT {OBSERVATION_COLUMNS} FROM observations "
                                       "WHERE series_id LIKE 'plant%' ORDER BY ALL"),
            "documents": _rows(con, "SELECT document_id, file_name, kind, title, simulated FROM documents "
                                    "ORDER BY document_id"),
        }
        for p in parts:
            path = str(settings.db.parent / p[0])
            schema = [[c[0], c[1]] for c in con.execute(
                "SELECT name, type FROM parquet_schema($f) WHERE num_children IS NULL", {"f": path}).fetchall()]
            rows = _rows(con, "SELECT * FROM read_parquet($f) ORDER BY ALL", {"f": path})
            snap["part_files"][unload(p[0])] = {"schema": schema, "rows": rows}
    finally:
        con.close()
    snap["inbox"] = sorted(p.relative_to(settings.inbox).as_posix() for p in settings.inbox.rglob("*") if p.is_file())
    snap["quarantine"] = sorted(p.name for p in settings.quarantine.rglob("*") if p.is_file()) \
        if settings.quarantine.exists() else []
    snap["telemetry_leftovers"] = sorted(p.relative_to(settings.telemetry_dir).as_posix()
                                         for p in settings.telemetry_dir.rglob("*")
                                         if p.is_file() and p.suffix != ".parquet")
    return json.loads(json.dumps(snap))  # tuples -> lists, as read back from the golden


def _check(name: str, snap: dict) -> None:
    golden = GOLDEN / f"{name}.json"
    if _WRITE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(snap, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip(f"wrote {golden.name}")
    want = json.loads(golden.read_text(encoding="utf-8"))
    for key in want:  # one key at a time, so a failure names what changed
        assert snap[key] == want[key], key
    assert snap.keys() == want.keys()


def test_three_days_of_welds_and_batches_then_a_late_file_for_the_middle_day(settings):
    first = load(settings, CASES / "three_days_with_duplicates_and_bad_rows.csv",
                 CASES / "three_days_batches_with_bad_rows.csv")
    second = load(settings, CASES / "late_welds_for_2025-03-06.csv")
    _check("three_days", _snapshot(settings, [first, second]))


def test_a_parquet_log_a_mostly_bad_file_and_a_clean_day(settings):
    result = load(settings, CASES / "welds_as_parquet.parquet", CASES / "mostly_bad_currents.csv",
                  CASES / "welds_clean.csv", CASES / "batches_clean.csv")
    _check("parquet_and_mostly_bad", _snapshot(settings, [result]))
