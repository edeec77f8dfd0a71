"""CSV exports neutralise spreadsheet formulas (a leading apostrophe); the warehouse keeps the data."""

from __future__ import annotations

import csv
import io
import shutil

from dashboard.exports import frame_csv
from dashboard.sql.output import to_csv
from dashboard.sql.sandbox import run_query
from etl.pipeline import run_load
from etl.read import query
from tests.dashboard.conftest import CASES

SQL = "SELECT value, change_pct, quote FROM observations ORDER BY period_start"
STORED = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|calc", "-2+3", "@SUM(A1:A2)"]
EXPORTED = ["'" + q for q in STORED]


def loaded(settings):
    shutil.copy(CASES / "formula_cells_in_quotes.csv", settings.inbox / "formula_cells_in_quotes.csv")
    assert run_load(settings).count("loaded") == 1
    return settings


def test_sql_page_and_cli_csv_neutralise_formulas_and_keep_numbers(settings):
    db = loaded(settings).db
    rows = list(csv.reader(io.StringIO(to_csv(run_query(db, SQL)).decode("utf-8"))))
    assert [r[2] for r in rows[1:]] == EXPORTED
    assert rows[1][:2] == ["67740000", "-1.5"]  # a negative number is a number, left as it is
    assert query(db, "SELECT quote FROM observations ORDER BY period_start")["quote"].to_list() == STORED


def test_explore_download_neutralises_formulas(settings):
    frame = query(loaded(settings).db, SQL)
    rows = list(csv.reader(io.StringIO(frame_csv(frame).decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == EXPORTED and rows[1][1] == "-1.5"
