"""The Sources page: every tab renders, a load refreshes the header, uploads keep every file."""

from __future__ import annotations

import shutil

import polars as pl

from dashboard.loading import save_uploads
from etl.pipeline import run_load
from tests.dashboard.conftest import CASES, app_test, texts


def test_rejects_unmapped_and_dictionary_tabs_render(loaded):
    shutil.copy(CASES / "rejected_upload.csv", loaded.inbox / "rejected_upload.csv")
    assert run_load(loaded).count("rejected") == 1
    at = app_test("screens/sources.py", lang="en").run()
    assert not at.exception and not at.error and not at.warning, texts(at)
    frames = {tuple(d.value.columns): d.value for d in at.dataframe}
    rejects = frames[("Rejected at", "File path", "Row", "Reason", "Quarantined to")]  # headed in English
    assert rejects["Reason"].to_list() == [
        "rejected_upload.csv row 2: unknown series 'not_a_series'; add it to data/catalog.toml or fix the id."]
    assert "welds_raw()" in texts(at)  # the data dictionary tab rendered too


def test_a_query_error_is_reported_as_itself_not_as_an_unreadable_warehouse(loaded, monkeypatch):
    from dashboard import data

    monkeypatch.setitem(data._SOURCE_QUERIES, "loads", "SELECT no_such_column FROM loads")
    at = app_test("screens/sources.py", lang="en").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith('Query failed: Binder Error: Referenced column "no_such_column"')
    assert not any("Cannot read the warehouse" in w.value for w in at.warning)


def test_after_a_load_the_header_shows_the_new_version_and_a_second_click_publishes_nothing(loaded):
    at = app_test("screens/sources.py").run()
    (loaded.inbox / "uploads").mkdir()
    frame = pl.read_csv(loaded.inbox / "reference_subset.csv").filter(pl.col("series_id") == "nf10_output")
    frame.with_columns(value=pl.col("value") + 1).write_csv(loaded.inbox / "uploads" / "revised.csv")
    at.button(key="src_load").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["数据仓库版本"] == "2"  # in the same run, no reload
    assert "版本 2" in texts(at)
    at.button(key="src_load").click().run()
    assert {m.label: m.value for m in at.metric}["数据仓库版本"] == "2"
    assert "没有新数据需要发布" in texts(at)


def test_uploads_whose_safe_names_collide_are_all_kept(settings):
    saved = save_uploads(settings, [("a b.csv", b"first\n"), ("a_b.csv", b"second\n"), ("a b.csv", b"first\n")])
    assert [p.name for p in saved] == ["a_b.csv", "a_b-2.csv", "a_b.csv"]
    assert [p.read_bytes() for p in saved] == [b"first\n", b"second\n", b"first\n"]
    again = save_uploads(settings, [("a_b.csv", b"third\n")])  # a new file under a taken name
    assert [p.name for p in again] == ["a_b-3.csv"]
