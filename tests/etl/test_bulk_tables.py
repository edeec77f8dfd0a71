"""Table validation in bulk (issue 17): SQL over the whole file must say and store exactly what the
row-by-row Python reading did. The oracle is the Python code itself (parse_number, to_canonical,
the csv module's record numbers); case files are named after their quirk (tests/cases/tables)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import duckdb
import pytest

from etl.catalog import load_catalog
from etl.pipeline import run_load
from etl.read import query
from etl.sources import detect_kind
from etl.sources._frame import install_macros, number_sql
from etl.sources.base import SourceContext
from etl.units import UnitError, parse_number, to_canonical
from tests.conftest import CASES, put

NUMBERS = ["1,234,567", "78,285", "９８６２．８４", "−5.5", "—2", "+3", "1 234", "1e5", "1E-3", ".5", "5.", "007.50",
           "0.000", "-0", "0e500", "9.99e290", "1e291", "1e400", "7,9,6", "12,34", "1,234 567", "٧٥٩٢", "७५९२",
           "NaN", "-inf", "Infinity", "1+2", "-", "", "1e99999999999999999999", "270.390000000000001"]


def test_sql_reads_every_number_as_parse_number_does():
    con = duckdb.connect()
    install_macros(con)
    con.execute("CREATE TABLE t AS SELECT unnest(?) AS cell", [NUMBERS])
    got = {cell: (ok, digits, exp) for cell, ok, digits, exp in con.execute(
        f"SELECT cell, v_ok, v_digits, v_exp FROM ({number_sql('SELECT * FROM t', 'cell', 'v')})").fetchall()}
    for cell in NUMBERS:
        try:
            expected = parse_number(cell)
        except UnitError:
            assert got[cell][0] is False, cell
            continue
        ok, digits, exp = got[cell]
        assert ok is True and parse_number(f"{digits}e{exp}") == expected, cell


def test_scaling_by_wan_yi_is_exact(settings):
    put(settings, "tables/exact_scaling_wan_yi.csv")
    assert run_load(settings).exit_code == 0
    stored = query(settings.db, "SELECT value_as_written, unit_as_written, value, change_pct FROM observations "
                                "ORDER BY source_row").rows()
    rows = list(csv.reader(io.StringIO((CASES / "tables" / "exact_scaling_wan_yi.csv").read_text("utf-8"))))[1:]
    assert [(r[3], r[4]) for r in rows] == [s[:2] for s in stored]
    for (value, unit, stored_value, change), row in zip(stored, rows, strict=True):
        assert stored_value == to_canonical(value, unit)[0]  # the Decimal path, bit for bit
        assert change == (float(parse_number(row[5])) if row[5] else None)


@pytest.mark.parametrize(("case", "row"), [
    ("quoted_line_break_then_bad_value.csv", 3),  # a record over two lines: rows are records, not lines
    ("blank_line_then_bad_value.csv", 4),  # a blank line is a record of its own, as Python's reader counts
])
def test_bad_row_is_named_by_its_record_number(settings, case, row):
    put(settings, f"tables/{case}")
    (rejected,) = run_load(settings).files
    assert rejected.error == f"{case} row {row}: value 'x7919' is not a number; fix it or remove the row."


def test_cells_are_stripped_of_unicode_spaces(settings):
    put(settings, "tables/cells_padded_with_unicode_spaces.csv")
    assert run_load(settings).exit_code == 0
    assert query(settings.db, "SELECT series_id, period_end, value, value_as_written, unit_as_written "
                              "FROM v_observations").rows() == [
        ("nf10_output", date(2023, 12, 31), 74_700_000.0, "7470", "万吨")]


def test_a_table_hands_over_one_observation_table_not_rows(settings):
    path = CASES / "tables" / "long_utf8.csv"
    extracted = detect_kind(path).extract(path, SourceContext(settings, load_catalog(settings.catalog), "t"))
    try:
        assert extracted.observations == [] and extracted.table.count() == 3
    finally:
        extracted.table.close()


@pytest.mark.parametrize("case", ["wide_nbs_monthly_utf8.csv", "long_utf8.csv"])
def test_normalized_rows_join_their_maps_by_hash(settings, case):
    """Every join of the hand-off with its distinct decisions is a hash join: a condition on the
    row alone left as an ON term made DuckDB loop over rows x map rows (18 s on a wide file)."""
    from etl.normalize_table import NormalizedTable

    path = CASES / "tables" / case
    catalog = load_catalog(settings.catalog)
    extracted = detect_kind(path).extract(path, SourceContext(settings, catalog, "t"))
    normalized = NormalizedTable(extracted.table, catalog, set())
    try:
        plan = normalized.con.execute("EXPLAIN " + normalized.select_sql()).fetchall()[0][1]
        joins = re.findall(r"[A-Z_]*JOIN[A-Z_]*", plan)  # the problem rows share these joins
        assert joins == ["HASH_JOIN"] * 5, plan
        rows = normalized.con.execute(f"SELECT count(*), count(series_id) FROM ({normalized.select_sql()})").fetchone()
        assert rows == (extracted.table.count(),) * 2
    finally:
        normalized.close()
        extracted.table.close()
