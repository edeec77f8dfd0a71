"""No wrong number becomes current: index bases, held vintages, plausibility, review decisions.

Each case loads the bundled inbox (data/inbox) and then one committed case file from
tests/cases/review/ through the real pipeline into a real DuckDB warehouse.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import journal, review, warehouse
from etl.pipeline import run_load
from etl.read import query
from etl.settings import load_settings
from tests.conftest import CASES, ROOT, run_pulse

BUNDLED = ROOT / "data" / "inbox"
PUBLISHED = date(2025, 11, 20)  # the bulletins' publication date: later than anything bundled


@pytest.fixture(scope="module")
def bundled_db(tmp_path_factory) -> Path:
    """The bundled inbox loaded once; each test starts from a copy of this warehouse."""
    root = tmp_path_factory.mktemp("bundled")
    shutil.copytree(BUNDLED, root / "inbox")
    settings = load_settings(db=root / "warehouse" / "pulse.duckdb", inbox=root / "inbox",
                             quarantine=root / "quarantine")
    assert run_load(settings).count("rejected") == 0
    return settings.db


@pytest.fixture
def loaded(settings, bundled_db):
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundled_db, settings.db)

    def load(case: str):
        shutil.copy(CASES / "review" / case, settings.inbox / case)
        result = run_load(settings, published=PUBLISHED)
        assert result.count("rejected") == 0, result.files
        return result
    return load


def current(settings, series_id: str, year: int) -> list[tuple]:
    return query(settings.db, "SELECT value, publisher FROM v_observations WHERE series_id = ? "
                              "AND period_start = make_date(?, 1, 1) AND period_end = make_date(?, 12, 31)",
                 [series_id, year, year]).rows()


CASES_CURRENT = [
    # case file, series, year, current value after the load, publisher of the current value
    ("index_on_2005_base.txt", "cii_2015base", 2015, 100.0, "herich.com.cn"),
    ("index_on_2005_base.txt", "cii_2005base", 2015, 171.5, "国家统计局社科文司"),
    ("revised_within_tolerance.txt", "cii_2015base", 2024, 174.5, "国家统计局社科文司"),
    ("conflicting_figure.txt", "cii_2015base", 2023, 165.3, "驻马店日报"),
    ("implied_previous_year_disagrees.txt", "cii_2015base", 2025, None, None),
    ("same_publisher_revision.csv", "cii_2015base", 2023, 170.0, "驻马店日报"),
    ("outside_history_unit_slip.csv", "refined_copper_output", 2024, None, None),
    ("rate_revised_within_005.csv", "industrial_va_growth", 2024, 5.84, "example.org"),
    ("base_mismatch_in_table.csv", "cii_2015base", 2016, None, None),
    ("rate_conflicting_by_03pp.csv", "industrial_va_growth", 2024, 5.8, "cdmia.com.cn"),
]


@pytest.mark.parametrize(("case", "series_id", "year", "value", "publisher"), CASES_CURRENT)
def test_the_right_value_stays_current(loaded, settings, case, series_id, year, value, publisher):
    loaded(case)
    expected = [] if value is None else [(value, publisher)]
    assert current(settings, series_id, year) == expected


CASES_HELD = [
    ("conflicting_figure.txt", "cii_2015base", "2023年", 170.0, 165.3,
     "conflicts with the current value 165.3 (驻马店日报): +2.84 % (tolerance 0.5 %)"),
    ("implied_previous_year_disagrees.txt", "cii_2015base", "2025年", 190.0, None,
     "published YoY +5.3 % implies 2024 = 180.4, stored 174.2: +3.58 % (tolerance 2 %)"),
    ("outside_history_unit_slip.csv", "refined_copper_output", "2024-01-01..2024-12-31", 1.364e7, None,
     "1.364e+07万吨 lies outside 10× the series' history (844万吨 .. 1472万吨)"),
    ("base_mismatch_in_table.csv", "cii_2015base", "2016-01-01..2016-12-31", 181.2, None,
     "base 2005=100, series cii_2015base base 2015=100"),
    ("rate_conflicting_by_03pp.csv", "industrial_va_growth", "2024-01-01..2024-12-31", 6.1, 5.8,
     "conflicts with the current value 5.8% (cdmia.com.cn): +0.30 (tolerance 0.05)"),
]


@pytest.mark.parametrize(("case", "series_id", "label", "held", "now", "reason"), CASES_HELD)
def test_held_vintages_are_listed_with_their_reason(loaded, settings, case, series_id, label, held, now, reason):
    before = {r[0] for r in query(settings.db, "SELECT review_id FROM v_conflicts").rows()}
    loaded(case)
    rows = query(settings.db, "SELECT series_id, coalesce(period_label, ''), held_value, current_value, reason "
                              "FROM v_conflicts WHERE review_id NOT IN (SELECT unnest(?))", [list(before)]).rows()
    assert rows == [(series_id, label, held, now, reason)]


@pytest.mark.parametrize("case", ["revised_within_tolerance.txt", "same_publisher_revision.csv",
                                  "index_on_2005_base.txt"])
def test_revisions_within_tolerance_or_from_the_same_publisher_pass(loaded, settings, case):
    before = query(settings.db, "SELECT count(*) FROM v_conflicts").item()
    loaded(case)
    assert query(settings.db, "SELECT count(*) FROM v_conflicts").item() == before


def test_an_index_on_another_base_stays_unmapped_with_the_reason(loaded, settings):
    loaded("index_on_prev_year_base.txt")
    rows = query(settings.db, "SELECT value_as_written, index_base, reason FROM v_unmapped "
                              "WHERE document = 'index_on_prev_year_base.txt'").rows()
    assert rows == [("105.3", "prev_year=100", "base prev_year=100, series cii_2015base base 2015=100")]


def test_bulletin_changes_against_last_year_are_stored_as_yoy(loaded, settings):
    loaded("index_on_2005_base.txt")
    rows = query(settings.db, "SELECT change_pct, change_kind FROM v_observations WHERE series_id = 'cii_2005base' "
                              "AND period_end = DATE '2015-12-31'").rows()
    assert rows == [(4.6, "yoy")]
    assert query(settings.db, "SELECT count(*) FROM observations WHERE change_kind = 'vs_prev_year'").item() == 0


def test_a_warehouse_from_before_the_migration_gets_one_change_kind(settings):
    """Rows stored as vs_prev_year by an older Pulse read as yoy after the next load."""
    settings.db.parent.mkdir(parents=True)
    con = duckdb.connect(str(settings.db))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    for name, sql in warehouse._sql_files(warehouse.MIGRATIONS):
        if name < "003":
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
    con.execute("INSERT INTO documents VALUES ('d1', 'd1', 'old.txt', 'old.txt', 'bulletin', 't', NULL, 1, false, 'l')")
    con.execute("INSERT INTO observations (series_id, period_start, period_end, value, change_pct, change_kind,"
                " document_id, load_id) VALUES ('cii_2015base', '2024-01-01', '2024-12-31', 174.2, 5.3,"
                " 'vs_prev_year', 'd1', 'l')")
    con.close()
    run_load(settings)
    assert query(settings.db, "SELECT change_kind, status FROM observations").rows() == [("yoy", "ok")]


def test_documents_carry_publisher_and_link(loaded, settings):
    loaded("same_publisher_revision.csv")
    rows = query(settings.db, "SELECT file_name, publisher, source_url FROM documents ORDER BY file_name").rows()
    assert rows == [
        ("000_0bd2a604021fabf6.txt", "中国铝业报社", "https://www.chinalco.com.cn"),
        ("reference_history.csv", None, None),  # cites a page per row: rows carry their own
        ("same_publisher_revision.csv", "驻马店日报",
         "http://zmdrb.zmdnews.cn/zmdrb/20250101/html/content_revised.htm"),
    ]


def test_review_accept_and_reject_move_held_vintages(loaded, settings):
    loaded("conflicting_figure.txt")
    held_id = query(settings.db, "SELECT review_id FROM v_conflicts WHERE series_id = 'cii_2015base'").item()
    env = {"PULSE_DB": str(settings.db)}
    listed = run_pulse("review", "list", env=env)
    assert listed.returncode == 0 and "2.84 %" in listed.stdout
    accepted = run_pulse("review", "accept", str(held_id), env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.startswith(f"review ID {held_id} accepted by local;")
    assert current(settings, "cii_2015base", 2023) == [(170.0, "某财经网")]
    again = run_pulse("review", "reject", str(held_id), env=env)
    assert again.returncode == 1
    assert again.stderr.strip().startswith(f"Error: review ID {held_id} is already accepted by local at ")
    missing = run_pulse("review", "reject", "999999", env=env)
    assert (missing.returncode, missing.stderr.strip()) == (
        1, "Error: review ID 999999 does not exist; `pulse review list` shows the held ones.")
    audit = journal.recent(settings.db, "audit")
    assert [(a["user"], a["action"], a["detail"].split(":")[0]) for a in audit] == [("local", "review", f"accept {held_id}")]


def test_a_rejected_vintage_is_kept_but_never_current(loaded, settings):
    loaded("conflicting_figure.txt")
    held_id = query(settings.db, "SELECT review_id FROM v_conflicts WHERE series_id = 'cii_2015base'").item()
    review.decide(settings, held_id, "reject", user="ana@example.org")
    assert current(settings, "cii_2015base", 2023) == [(165.3, "驻马店日报")]
    assert query(settings.db, "SELECT status, value FROM observations WHERE obs_id = ?", [held_id]).rows() == [
        ("rejected", 170.0)]
    assert query(settings.db, "SELECT decided_by, decision FROM v_review_decisions").rows() == [
        ("ana@example.org", "rejected")]
    with pytest.raises(review.ReviewError, match=rf"^review ID {held_id} is already rejected by ana@example.org at "):
        review.decide(settings, held_id, "accept", user="local")


def test_table_vintages_order_by_the_publication_date_a_rule_gives(settings):
    """Undated tables load in any order; a pulse.toml rule dates them, and the later publication wins."""
    rules = ("nbs_revised_*.csv=2025-06-30", "nbs_first_*.csv=2025-01-17")
    dated = load_settings(db=settings.db, inbox=settings.inbox, quarantine=settings.quarantine, published_rules=rules)
    header = "series_id,period_start,period_end,value,unit\n"
    (settings.inbox / "nbs_revised_2024.csv").write_text(header + "nf10_output,2024-01-01,2024-12-31,7919.5,万吨\n",
                                                         encoding="utf-8")
    run_load(dated)
    (settings.inbox / "nbs_first_2024.csv").write_text(header + "nf10_output,2024-01-01,2024-12-31,7918,万吨\n",
                                                       encoding="utf-8")
    run_load(dated)
    assert query(settings.db, "SELECT value, published FROM v_observations").rows() == [
        (79_195_000.0, date(2025, 6, 30))]


def test_a_malformed_publication_rule_is_one_sentence():
    from etl.errors import PulseError
    from etl.holds import published_by_rule
    with pytest.raises(PulseError, match=r"^setting published_rules: 'nbs_\*.csv=17\.1\.2025' is not "
                                         r"PATTERN=YYYY-MM-DD; fix it in pulse.toml\.$"):
        published_by_rule("nbs_2024.csv", ("nbs_*.csv=17.1.2025",))
