"""Every validation rule, on small real files named after their quirk (tests/cases/plant/)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from etl.periods import latest_allowed_end
from etl.plant.schema import GALLIUM, WELD
from etl.plant.telemetry import Validated, detect_kind, validate, write_parts
from etl.sources.base import RowReject, SourceError
from tests.plant.conftest import CASES, load, rows

LATEST = latest_allowed_end(31)  # the max_future_days default


def run(name: str, tmp_path: Path) -> Validated:
    path = CASES / name
    kind = detect_kind(path)
    assert kind is not None, f"{name} not recognised as a plant log"
    return validate(path, kind, hashlib.sha256(path.read_bytes()).hexdigest(), [], tmp_path / "telemetry")


@pytest.mark.parametrize(
    ("name", "row", "reason"),
    [
        ("duplicate_weld_id.csv", 6, "duplicate weld_id W1-20250301-R1-000000 (first at row 3)"),
        ("timestamp_does_not_parse.csv", 4, "ts '2025-03-01 25:61:00' does not parse as a date and time"),
        ("two_digit_year.csv", 4, "ts '25-03-01 00:39:14' is before 1990-01-01 (a two-digit year, or a clock "
                                  "reset?); fix the export"),
        ("timestamp_in_2099.csv", 6, f"ts '2099-03-01 01:45:30' is after {LATEST} (this month's end + "
                                     "max_future_days=31); fix the clock or the export"),
        ("batch_ended_in_2099.csv", 5, f"ended_at '2099-03-01 23:24:48' is after {LATEST} (this month's end + "
                                       "max_future_days=31); fix the clock or the export"),
        ("current_not_physically_possible.csv", 5,
         "current 250000 A is not physically possible (allowed 0 to 60000 A)"),
        ("current_not_a_number.csv", 5, "current_a '14k' is not a number"),
        ("temperature_not_physically_possible.csv", 3,
         "temperature -300 °C is not physically possible (allowed -50 to 1600 °C)"),
        ("result_neither_pass_nor_fail.csv", 7, "result 'maybe' is neither pass nor fail"),
        ("passed_weld_with_defect_code.csv", 8, "a passed weld carries defect code POR"),
        ("missing_weld_id.csv", 9, "weld_id is empty"),
        ("recovered_exceeds_input.csv", 4,
         "gallium recovered 99.5 kg exceeds gallium in 66.125 kg (recovery 150.47% > 100%)"),
        ("negative_recovered.csv", 5, "recovery -2.31% is below 0% (gallium_recovered_kg -1.5)"),
        ("ended_before_started.csv", 3,
         "ended_at 2025-03-01 01:00:00 is before started_at 2025-03-01 06:05:41.000"),
        ("start_does_not_parse.csv", 7, "started_at 'yesterday' does not parse as a date and time"),
        ("duplicate_batch_id.csv", 8, "duplicate batch_id GA1-20250301-01 (first at row 2)"),
        ("recovery_pct_outside_0_100.csv", 6, "recovery_pct 104.2 is outside 0–100%"),
    ],
)
def test_a_bad_row_is_rejected_with_its_row_and_reason_and_the_rest_load(name, row, reason, tmp_path):
    got = run(name, tmp_path)
    assert got.rejects == [RowReject(row, reason)]
    assert got.loaded == got.rows - 1
    parts = write_parts(got, tmp_path, "load-1")
    got.close()
    written = pl.read_parquet([tmp_path / p.path for p in parts])
    assert written.height == got.loaded == sum(p.rows for p in parts)


def test_clean_logs_of_both_kinds_and_formats_load_whole(tmp_path):
    for name, kind, n in [("welds_clean.csv", WELD, 10), ("batches_clean.csv", GALLIUM, 8),
                          ("welds_as_parquet.parquet", WELD, 12), ("chinese_headers.csv", WELD, 10)]:
        got = run(name, tmp_path / name)
        assert (got.kind, got.rows, got.loaded, got.rejects, got.simulated) == (kind, n, n, [], True)


def test_a_log_missing_a_required_column_is_refused_whole(tmp_path):
    with pytest.raises(SourceError, match=r"^missing_vdrop_column.csv: a weld log needs the column\(s\) vdrop_mv"):
        run("missing_vdrop_column.csv", tmp_path)


def test_a_mostly_bad_log_is_refused_whole_naming_a_row(tmp_path):
    with pytest.raises(SourceError, match=r"^mostly_bad_currents.csv: 6 of 10 rows are bad \(e.g. row 2: current -5 A "
                       r"is not physically possible \(allowed 0 to 60000 A\)\); the whole file is quarantined"):
        run("mostly_bad_currents.csv", tmp_path)


def test_reject_details_are_capped_with_a_count_line(tmp_path):
    header = "ts,plant,line,robot,cathode_id,weld_id,current_a,temperature_c,vdrop_mv,result,defect_code\n"
    bad = {i for i in range(2_200) if i % 2}  # 1,100 of 3,000 rows: bad, but not mostly
    body = "".join(f"2025-03-01 00:00:{i % 60:02d},p,L,R1,C1,W{i},{99999 if i in bad else 14000},480,11,pass,\n"
                   for i in range(3_000))
    path = tmp_path / "many_bad_rows.csv"
    path.write_text(header + body)
    got = validate(path, WELD, "0" * 64, [], tmp_path / "telemetry")
    got.close()
    assert (got.rows, got.loaded, len(got.rejects)) == (3_000, 1_900, 1_001)
    assert got.rejects[0] == RowReject(3, "current 99999 A is not physically possible (allowed 0 to 60000 A)")
    assert got.rejects[999].row == 2_001
    assert got.rejects[-1] == RowReject(None, "... and 100 more rows rejected (first 1,000 listed)")


def test_the_pipeline_records_row_rejects_and_quarantines_a_mostly_bad_log(settings):
    result = load(settings, CASES / "recovered_exceeds_input.csv", CASES / "mostly_bad_currents.csv")
    outcome = {f.path.name: (f.status, f.rows_rejected) for f in result.files}
    assert outcome == {"recovered_exceeds_input.csv": ("loaded", 1), "mostly_bad_currents.csv": ("rejected", 0)}
    assert rows(settings, "SELECT row_number, reason FROM rejects WHERE file_path LIKE '%recovered%'") == [
        (4, "gallium recovered 99.5 kg exceeds gallium in 66.125 kg (recovery 150.47% > 100%)")]
    assert (settings.quarantine / result.load_id / "plant" / "mostly_bad_currents.csv").is_file()
    assert rows(settings, "SELECT count(*) FROM v_gallium_batches") == [(7,)]
    assert not (settings.telemetry_dir / "weld").exists()
