"""Faults of the load path (issue 10), each on a small case file named after it (tests/cases/load/)."""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from etl.pipeline import run_load
from etl.read import query
from etl.sources.base import NoTextFound
from tests.conftest import CASES, put

LOAD = CASES / "load"
PLANT = CASES / "plant"


def outcome(result, name: str) -> tuple:
    f = next(f for f in result.files if f.path.name == name)
    return f.status, f.error or f.notice


# --- plant logs ---------------------------------------------------------------------------------

def test_a_plant_log_cut_mid_line_is_skipped_and_the_complete_file_loads_later(settings):
    run_load(settings)  # the warehouse exists (the first load publishes the catalog)
    cut = put(settings, "load/plant_log_cut_mid_line.csv")[0]
    first = run_load(settings)
    assert outcome(first, cut.name) == ("skipped", (
        "plant_log_cut_mid_line.csv: skipped, its last line is incomplete (still being written or cut off); "
        "it loads once the export is complete."))
    assert first.published_version is None and first.exit_code == 0  # nothing changed: nothing published
    shutil.copy(PLANT / "welds_clean.csv", cut)  # the export finished: the same name, all 10 rows
    second = run_load(settings)
    assert outcome(second, cut.name) == ("loaded", None) and second.rows == 10
    assert query(settings.db, "SELECT sum(welds) FROM v_weld_daily").item() == 10


def test_a_plant_value_with_a_path_is_rejected_and_writes_nothing_outside(settings, tmp_path):
    put(settings, "load/plant_value_path_traversal.csv")
    result = run_load(settings)
    assert result.files[0].status == "loaded" and result.rows == 9
    assert query(settings.db, "SELECT row_number, reason FROM rejects").rows() == [(
        3, "plant 'x/../../../tmp/elsewhere' may hold only letters, digits, spaces, -, _ and . (at most 64, "
           "starting with a letter or digit); it names a folder")]
    written = sorted(tmp_path.rglob("*.parquet"))
    assert written and all(p.is_relative_to(settings.telemetry_dir / "weld" / "plant=smelter1") for p in written)


def test_a_plant_value_with_an_equals_sign_gets_its_own_reason(settings):
    put(settings, "load/plant_value_with_equals.csv")
    result = run_load(settings)
    assert result.exit_code == 0 and result.rows == 9
    assert query(settings.db, "SELECT row_number, reason FROM rejects").rows() == [(
        4, "plant 'smelter=1' may hold only letters, digits, spaces, -, _ and . (at most 64, "
           "starting with a letter or digit); it names a folder")]


@pytest.mark.parametrize(("first", "again", "message", "kept"), [
    ("batches_clean.csv", "batch_ids_again_on_another_day.csv",
     "batch_ids_again_on_another_day.csv: 2 of 2 rows are bad (e.g. row 2: batch_id GA1-20250301-01 is already "
     "loaded from batches_clean.csv)", "SELECT count(*) FROM v_gallium_batches WHERE day = '2025-03-01'"),
    ("welds_clean.csv", "weld_ids_again_on_another_day.csv",
     "weld_ids_again_on_another_day.csv: 3 of 3 rows are bad (e.g. row 2: weld_id W1-20250301-R5-000000 is "
     "already loaded from welds_clean.csv)", "SELECT sum(welds) FROM v_weld_daily"),
])
def test_ids_loaded_before_on_another_day_are_rejected_naming_the_earlier_file(settings, first, again, message, kept):
    put(settings, f"plant/{first}", subdir="plant")
    run_load(settings)
    before = query(settings.db, kept).item()
    put(settings, f"load/{again}", subdir="plant")
    result = run_load(settings)
    status, error = outcome(result, again)
    assert status == "rejected" and error.startswith(message)
    assert query(settings.db, kept).item() == before  # the first file's rows are neither replaced nor doubled


def test_a_file_still_growing_is_skipped_and_loads_next_time(settings):
    run_load(settings)  # the warehouse exists
    grow = settings.inbox / "growing.csv"
    shutil.copy(LOAD / "good_table_beside_bad_ones.csv", grow)
    stop = threading.Event()

    def keep_writing() -> None:  # an exporter appending rows until told to stop
        year = 1990
        while not stop.wait(0.05):
            with grow.open("a", encoding="utf-8") as fh:
                fh.write(f"nf10_output,{year}-01-01,{year}-12-31,100,万吨,,,\n")
            year += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        first = run_load(replace(settings, settle_seconds=0.5))
    finally:
        stop.set()
        writer.join()
    assert first.files == [] and first.notices == [
        "growing.csv: skipped, it is still being written (its size or time changed); it loads next time.",
        f"no file to load in {settings.inbox}: every file found was skipped"]
    assert first.published_version is None
    assert run_load(settings).count("loaded") == 1


# --- crashes ------------------------------------------------------------------------------------

def test_an_unexpected_error_in_one_file_rejects_that_file_and_the_rest_loads(settings):
    put(settings, "load/csv_field_over_128kb.csv", "load/good_table_beside_bad_ones.csv")
    result = run_load(settings)
    # the inputs branch made this case a named reject (it was the example of an unexpected error)
    assert outcome(result, "csv_field_over_128kb.csv") == (
        "rejected", "csv_field_over_128kb.csv line 3: a field is longer than 131,072 characters (an unclosed "
        "quote, or a document pasted into a cell); fix or remove it.")
    assert outcome(result, "good_table_beside_bad_ones.csv") == ("loaded", None)
    assert result.published_version == 1
    assert (settings.quarantine / result.load_id / "csv_field_over_128kb.csv").is_file()


def test_an_internal_error_in_one_file_is_logged_and_the_rest_loads(settings, monkeypatch):
    """Fault injection: a bug inside a source (any exception no check anticipated) rejects that file only."""
    from etl.sources import wide_table

    def broken(path, ctx):
        raise RuntimeError("a bug")

    monkeypatch.setattr(wide_table, "extract", broken)
    put(settings, "tables/wide_nbs_monthly_utf8.csv", "load/good_table_beside_bad_ones.csv")
    result = run_load(settings)
    log = settings.db.with_name("pulse.log")
    assert outcome(result, "wide_nbs_monthly_utf8.csv") == (
        "rejected", f"wide_nbs_monthly_utf8.csv: internal error (RuntimeError) in stage extract, see {log}")
    assert outcome(result, "good_table_beside_bad_ones.csv") == ("loaded", None)
    assert f"load {result.load_id} stage extract file {settings.inbox / 'wide_nbs_monthly_utf8.csv'}" in log.read_text()


def test_a_250_byte_file_name_is_quarantined_under_a_short_name_keeping_the_original(settings):
    long_name = "长" * 80 + "x" * 6 + ".csv"  # 80 * 3 + 6 + 4 = 250 bytes
    assert len(long_name.encode()) == 250
    shutil.copy(CASES / "tables/unknown_series.csv", settings.inbox / long_name)
    put(settings, "tables/empty.csv")
    result = run_load(settings)
    assert result.count("rejected") == 2
    moved = {f.path.name: f.quarantined_to for f in result.files}
    target = moved[long_name]
    assert target.is_file() and target.name != long_name and len(target.name.encode()) < 250
    reason = target.with_name(target.name + ".reason.txt").read_text(encoding="utf-8").splitlines()
    assert reason[1] == f"original name: {long_name}"
    assert moved["empty.csv"].is_file() and not (settings.inbox / "empty.csv").exists()
    recorded = dict(query(settings.db, "SELECT file_path, quarantined_to FROM rejects").rows())
    assert (settings.quarantine / recorded[str(settings.inbox / long_name)]) == target


def test_a_newline_in_a_file_name_keeps_the_reason_one_line(settings):
    shutil.copy(CASES / "tables/empty.csv", settings.inbox / "two\nlines.csv")
    result = run_load(settings)
    f = result.files[0]
    assert f.error == "two\\nlines.csv is empty; put the data in it or remove it from the inbox."
    reason = f.quarantined_to.with_name(f.quarantined_to.name + ".reason.txt").read_text(encoding="utf-8")
    assert reason.splitlines()[0] == f.error and reason.count("\n") == 3


# --- scanning the inbox -------------------------------------------------------------------------

def test_an_inbox_inside_the_warehouse_folder_loads(settings):
    inside = replace(settings, inbox=settings.warehouse_dir, quarantine=settings.warehouse_dir / "quarantine")
    settings.warehouse_dir.mkdir(parents=True)
    put(inside, "tables/long_utf8.csv")
    assert run_load(inside).count("loaded") == 1
    put(inside, "tables/wide_nbs_monthly_utf8.csv")  # beside the warehouse's own files now
    second = run_load(inside)
    assert [(f.path.name, f.status) for f in second.files] == [
        ("long_utf8.csv", "skipped"), ("wide_nbs_monthly_utf8.csv", "loaded")]


def test_an_empty_inbox_says_no_files_were_found(settings):
    result = run_load(settings)
    assert result.notices == [f"no files found in {settings.inbox}"] and result.files == []


def test_double_dot_names_load_hidden_names_are_skipped_with_a_notice(settings):
    shutil.copy(CASES / "tables/long_utf8.csv", settings.inbox / "..x.csv")
    shutil.copy(CASES / "tables/long_utf8.csv", settings.inbox / ".hidden.csv")
    result = run_load(settings)
    assert [(f.path.name, f.status) for f in result.files] == [("..x.csv", "loaded")]
    assert result.notices == [".hidden.csv: skipped, its name matches the ignore pattern '.[!.]*'."]


def test_links_inside_the_inbox_are_followed_links_leaving_it_are_skipped(settings, tmp_path):
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    shutil.copy(CASES / "tables/long_utf8.csv", outside / "secret.csv")
    shutil.copy(CASES / "tables/wide_nbs_monthly_utf8.csv", outside / "folder" / "wide.csv")
    (settings.inbox / "real").mkdir()
    shutil.copy(CASES / "tables/long_gbk.csv", settings.inbox / "real" / "long_gbk.csv")
    os.symlink(outside / "secret.csv", settings.inbox / "to_file_outside.csv")
    os.symlink(outside / "folder", settings.inbox / "to_folder_outside")
    os.symlink(settings.inbox / "real", settings.inbox / "to_folder_inside")
    result = run_load(settings)
    assert [(str(f.path.relative_to(settings.inbox)), f.status) for f in result.files] == [
        ("real/long_gbk.csv", "loaded"), ("to_folder_inside/long_gbk.csv", "skipped")]
    assert result.notices == [
        f"to_file_outside.csv: skipped, a link to {outside / 'secret.csv'}, outside the inbox; "
        "copy the file into the inbox to load it.",
        f"to_folder_outside: skipped, a link to {outside / 'folder'}, outside the inbox; "
        "copy the file into the inbox to load it."]
    assert query(settings.db, "SELECT count(*) FROM documents").item() == 1


# --- files without text -------------------------------------------------------------------------

def test_no_text_found_is_skipped_with_its_notice_and_retried_next_run(settings, monkeypatch):
    from etl.sources import bulletin

    def scanned(path, ctx):  # what the text readers raise for an image-only PDF or blank text
        raise NoTextFound(f"{path.name}: no text found (scanned PDF?); run OCR on it and load it again.")

    monkeypatch.setattr(bulletin, "extract", scanned)
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    (settings.inbox / "scan.txt").write_text("   \n", encoding="utf-8")
    result = run_load(settings)
    assert outcome(result, "scan.txt") == ("skipped", "scan.txt: no text found (scanned PDF?); run OCR on it and "
                                                      "load it again.")
    assert result.exit_code == 0 and result.published_version is None  # changes nothing: publishes nothing
    assert (settings.inbox / "scan.txt").is_file() and not settings.quarantine.exists()
    again = run_load(settings)
    assert outcome(again, "scan.txt")[0] == "skipped"  # tried again, not remembered as loaded
    assert query(settings.db, "SELECT count(*) FROM documents").item() == 1
    assert query(settings.db, "SELECT count(*) FROM rejects").item() == 0


def test_the_logs_path_is_beside_the_warehouse_not_in_tmp():
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("etl").rglob("*.py"))
    source += "\n".join(p.read_text(encoding="utf-8") for p in Path("dashboard").rglob("*.py"))
    assert "pulse-error.log" not in source
