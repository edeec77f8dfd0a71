"""Which way a plant log goes: a clean file is written to its parts in one pass (etl.plant.onepass),
any file with something to report goes the staged way, whose messages name rows. What each way
writes is pinned by test_ingest_golden.py (its clean files go the one pass, the others staged)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from etl.plant.telemetry import Validated, detect_kind, validate, write_parts
from etl.sources.base import RowReject, SourceError
from tests.conftest import CASES

PLANT, LOAD = CASES / "plant", CASES / "load"


def run(path: Path, telemetry: Path, listed: list[tuple[str, str]] | None = None) -> Validated:
    kind = detect_kind(path)
    assert kind is not None
    return validate(path, kind, hashlib.sha256(path.read_bytes()).hexdigest(), listed or [], telemetry)


@pytest.mark.parametrize(("name", "rows", "days"), [
    ("welds_clean.csv", 10, 1), ("batches_clean.csv", 8, 2), ("welds_as_parquet.parquet", 12, 1),
    ("chinese_headers.csv", 10, 1), ("welds_two_plants_two_days_interleaved.csv", 7, 4),
    ("numbers_and_times_in_other_forms.csv", 10, 1), ("batches_numbers_and_times_in_other_forms.csv", 8, 2),
])
def test_a_clean_file_is_written_in_one_pass_without_a_staged_copy(name, rows, days, tmp_path):
    got = run(PLANT / name, tmp_path / "telemetry")
    try:
        assert got.staged_file is None and got.written is not None
        assert (got.rows, got.loaded, got.rejects, len(got.partitions)) == (rows, rows, [], days)
        assert sorted(got.written) == got.partitions
        parts = write_parts(got, tmp_path, "load-1")
        # the staged view now reads the placed parts: what the aggregates count
        assert got.con is not None and got.con.execute(
            "SELECT count(*), count(reason) FROM staged").fetchone() == (rows, 0)
    finally:
        got.close()
    assert sum(p.rows for p in parts) == rows == pl.read_parquet([tmp_path / p.path for p in parts]).height
    assert not (tmp_path / "telemetry" / ".spill").exists()


@pytest.mark.parametrize(("path", "reject"), [
    (PLANT / "current_not_a_number.csv", RowReject(5, "current_a '14k' is not a number")),
    (PLANT / "duplicate_weld_id.csv", RowReject(6, "duplicate weld_id W1-20250301-R1-000000 (first at row 3)")),
    (PLANT / "defect_codes_with_an_unquoted_comma.csv", RowReject(
        5, "a field right of the header's 12 columns ('true'): a separator in an unquoted field splits it; "
           "quote that field, or remove what is beyond the header")),
    (LOAD / "plant_value_with_equals.csv", RowReject(4, "plant 'smelter=1' may hold only letters, digits, spaces, "
                                                        "-, _ and . (at most 64, starting with a letter or digit); "
                                                        "it names a folder")),
])
def test_a_file_with_a_row_to_report_goes_the_staged_way(path, reject, tmp_path):
    got = run(path, tmp_path / "telemetry")
    try:
        assert got.written is None and got.staged_file is not None and got.staged_file.is_file()
        assert got.rejects == [reject] and got.loaded == got.rows - 1
        # the one pass's files are gone: only the staged file is in the file's spill folder
        assert got.spill is not None and sorted(p.name for p in got.spill.iterdir()) == ["staged.parquet"]
    finally:
        got.close()


def test_ids_already_loaded_send_the_file_the_staged_way(tmp_path):
    first = run(PLANT / "welds_clean.csv", tmp_path / "telemetry")
    parts = write_parts(first, tmp_path, "load-1")
    first.close()
    listed = [(str(tmp_path / p.path), "welds_clean.csv") for p in parts]
    late = run(PLANT / "late_welds_for_2025-03-01.csv", tmp_path / "telemetry", listed)  # new ids, same day
    assert late.written is not None and late.rejects == []
    late.close()
    with pytest.raises(SourceError, match=r"weld_ids_again_on_another_day.csv: 3 of 3 rows are bad \(e.g. row 2: "
                                          r"weld_id W1-20250301-R5-000000 is already loaded from welds_clean.csv\)"):
        run(LOAD / "weld_ids_again_on_another_day.csv", tmp_path / "telemetry", listed)
    assert not (tmp_path / "telemetry" / ".spill").exists()


def test_a_file_the_one_pass_cannot_read_gets_the_staged_ways_message(tmp_path):
    with pytest.raises(SourceError, match=r"^welds_invalid_utf8_byte.csv cannot be read as a weld log \(Invalid Input "
                                          r"Error: CSV Error on Line: 2\); fix the file.$"):
        run(PLANT / "welds_invalid_utf8_byte.csv", tmp_path / "telemetry")
    assert not (tmp_path / "telemetry" / ".spill").exists()


def test_a_longer_row_past_the_readers_sample_names_its_line(tmp_path):
    """DuckDB's reader sizes its columns from a sample of 20,480 rows: a longer row after it stops
    the read, and the message says which line and why (a row in the sample is a row reject, above)."""
    header, row = (PLANT / "welds_clean.csv").read_text().splitlines()[:2]
    lines = [header] + [row.replace("-000000,", f"-{i:06d},", 1) for i in range(21_000)]
    lines[20_990] = lines[20_990].replace(",pass,,true", ",fail,POR, CRK,true")
    path = tmp_path / "welds_long_row_late.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceError, match=r"^welds_long_row_late.csv line 20991 has 13 fields where the header has 12 "
                                          r"\(a separator in an unquoted field\?\); quote that field, or remove what "
                                          r"is beyond the header, and load the file again.$"):
        run(path, tmp_path / "telemetry")
    assert not (tmp_path / "telemetry" / ".spill").exists()
