"""obs_current is ranked again at publish only for the keys that changed (etl/current.py); whatever
happened in between, it must hold exactly what a full build of etl/views/005_obs_current.sql gives.
Real loads of the case files in tests/cases/current/ into a real (file) warehouse, real review
decisions; on the lake obs_current is a view and has nothing to keep."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import current, review, warehouse
from etl.errors import PulseError
from etl.pipeline import run_load
from etl.read import query
from etl.settings import Settings
from tests.conftest import put

VIEW_SQL = (Path(warehouse.__file__).parent / "views" / current.VIEW_FILE).read_text(encoding="utf-8")


def load(settings: Settings, case: str) -> None:
    put(settings, f"current/{case}")
    result = run_load(settings)
    assert result.count("rejected") == 0, [f.error for f in result.files]


def assert_same_as_full_build(db: Path, tmp_path: Path) -> None:
    """obs_current of the published warehouse equals a full build of the view file on a copy."""
    copy = tmp_path / "full_build.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        kept = con.execute("SELECT * FROM obs_current ORDER BY obs_id").fetchall()
        con.execute(VIEW_SQL)
        assert kept == con.execute("SELECT * FROM obs_current ORDER BY obs_id").fetchall()
    finally:
        con.close()
        copy.unlink()


def current_values(db: Path) -> list[tuple]:
    return query(db, "SELECT series_id, period_end, value, vintages, document FROM obs_current "
                     "ORDER BY series_id, period_end").rows()


def test_a_new_vintage_and_a_new_period_rank_as_a_full_build(settings, tmp_path):
    load(settings, "first.csv")
    assert_same_as_full_build(settings.db, tmp_path)
    load(settings, "revised_and_earlier_year.csv")
    assert current_values(settings.db) == [
        ("nf10_output", date(2022, 12, 31), 69_730_000.0, 1, "revised_and_earlier_year.csv"),
        ("nf10_output", date(2023, 12, 31), 74_700_000.0, 1, "first.csv"),
        ("nf10_output", date(2024, 12, 31), 79_200_000.0, 2, "revised_and_earlier_year.csv"),  # the later load
        ("rmb_loans_balance", date(2025, 9, 30), 270.39e12, 1, "first.csv")]
    assert_same_as_full_build(settings.db, tmp_path)


def test_review_decisions_change_what_is_current(settings, tmp_path):
    load(settings, "first.csv")
    load(settings, "conflicting_other_publisher.csv")
    held = dict(query(settings.db, "SELECT series_id, review_id FROM v_conflicts").rows())
    assert sorted(held) == ["nf10_output", "rmb_loans_balance"]
    assert [v[2] for v in current_values(settings.db)] == [74_700_000.0, 79_190_000.0, 270.39e12]
    assert_same_as_full_build(settings.db, tmp_path)
    review.decide(settings, held["nf10_output"], "accept", user="ana@example.org")
    assert [v[2:4] for v in current_values(settings.db)] == [(89_000_000.0, 2), (79_190_000.0, 1), (270.39e12, 1)]
    assert_same_as_full_build(settings.db, tmp_path)
    review.decide(settings, held["rmb_loans_balance"], "reject", user="ana@example.org")
    assert [v[2] for v in current_values(settings.db)] == [89_000_000.0, 79_190_000.0, 270.39e12]
    assert_same_as_full_build(settings.db, tmp_path)


def test_a_remapped_statistic_becomes_current(settings, tmp_path):
    load(settings, "first.csv")
    with warehouse.writer_lock(settings.db):  # an unmapped statistic as a lenient source stores it
        con = warehouse.open_staging(settings.db)
        con.execute(
            "INSERT INTO observations (series_id, subject, indicator, period_start, period_end, value, unit,"
            " value_as_written, unit_as_written, document_id, load_id) SELECT NULL, '全国', '锌产量',"
            " DATE '2024-01-01', DATE '2024-12-31', 7.0e6, 't', '700', '万吨', document_id, load_id FROM documents")
        warehouse.publish(con, settings.db)
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        settings.catalog.read_text(encoding="utf-8")
        + '\n[[series]]\nid = "zinc_output"\nname_zh = "锌产量"\nname_en = "Zinc output"\nsubject = "全国"\n'
        'category = "output"\nunit = "t"\ndisplay_unit = "万吨"\nfrequency = "A"\nkind = "flow"\naliases = ["锌产量"]\n',
        encoding="utf-8")
    assert run_load(Settings(**{**settings.__dict__, "catalog": catalog})).remapped == 1
    assert ("zinc_output", date(2024, 12, 31), 7.0e6, 1, "first.csv") in current_values(settings.db)
    assert_same_as_full_build(settings.db, tmp_path)


def test_an_edited_view_file_builds_obs_current_again(settings):
    load(settings, "first.csv")
    con = duckdb.connect(str(settings.db))
    try:
        con.execute("DELETE FROM obs_current WHERE series_id = 'rmb_loans_balance'")  # a row only a full build restores
        assert current.build(con, VIEW_SQL) == "incremental"
        assert con.execute("SELECT count(*) FROM obs_current").fetchone()[0] == 2
        assert current.build(con, VIEW_SQL + "\n-- edited\n") == "full"
        assert con.execute("SELECT count(*) FROM obs_current").fetchone()[0] == 3
        assert current.build(con, VIEW_SQL + "\n-- edited\n") == "incremental"
    finally:
        con.close()


def test_a_view_file_the_restricted_build_cannot_read_is_one_sentence(settings):
    load(settings, "first.csv")
    con = duckdb.connect(str(settings.db))
    try:
        with pytest.raises(PulseError, match=r"^view file etl/views/005_obs_current.sql must hold one 'CREATE OR "
                                             r"REPLACE TABLE obs_current AS' statement reading 'FROM observations o' "
                                             r"once \(etl/current.py restricts that FROM\); fix the file.$"):
            current.build(con, VIEW_SQL.replace(current.SOURCE, "FROM observations AS o "))
    finally:
        con.close()


@pytest.mark.parametrize("backend", ["lake"], indirect=True)
def test_a_review_decision_on_the_lake_needs_no_table(settings):
    """On the lake obs_current is a view: the touch of a decision is harmless and the view answers."""
    load(settings, "first.csv")
    load(settings, "conflicting_other_publisher.csv")
    held = dict(query(settings.db, "SELECT series_id, review_id FROM v_conflicts").rows())
    review.decide(settings, held["nf10_output"], "accept", user="ana@example.org")
    assert query(settings.db, "SELECT value, vintages FROM v_observations WHERE series_id = 'nf10_output' "
                              "AND period_end = DATE '2023-12-31'").rows() == [(89_000_000.0, 2)]
