"""Every table format and encoding loads to the same exact observations; every bad file is
rejected with a one-line reason naming file and row, quarantined, and the rest still loads."""

from __future__ import annotations

from datetime import date

import pytest

from etl.pipeline import run_load
from etl.read import query
from tests.conftest import put

LONG_EXPECTED = [
    ("copper_spot_price_avg_ytd", date(2025, 1, 1), date(2025, 9, 30), 78285.0, "CNY/t", 4.8),
    ("nf10_output", date(2024, 1, 1), date(2024, 12, 31), 79_190_000.0, "t", 4.3),
    ("rmb_loans_balance", date(2025, 9, 30), date(2025, 9, 30), 2.7039e14, "CNY", 6.6),
]


def observations(settings):
    return [
        tuple(r)
        for r in query(
            settings.db,
            "SELECT series_id, period_start, period_end, value, unit, change_pct FROM v_observations "
            "ORDER BY series_id, period_end",
        ).iter_rows()
    ]


@pytest.mark.parametrize(
    "case", ["long_utf8.csv", "long_utf8_bom.csv", "long_gbk.csv", "long.xlsx", "semicolon_separated.csv",
             "utf16_bom.csv", "trailing_empty_cells.csv"]
)
def test_long_format_in_every_encoding(settings, case):
    put(settings, f"tables/{case}")
    result = run_load(settings)
    assert result.exit_code == 0 and result.count("loaded") == 1
    rows = observations(settings)
    assert [r[:5] for r in rows] == [r[:5] for r in LONG_EXPECTED]
    assert [r[5] for r in rows] == pytest.approx([r[5] for r in LONG_EXPECTED])


def test_long_format_keeps_provenance(settings):
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    row = query(settings.db, "SELECT quote, source_url, value_as_written, unit_as_written, document "
                "FROM v_observations WHERE series_id = 'nf10_output'").row(0)
    assert row == ("十种有色金属产量7919万吨,同比增长4.3%", "https://example.org/a", "7919", "万吨", "long_utf8.csv")


WIDE_MONTHLY = [
    ("industrial_va_growth", date(2025, 7, 1), date(2025, 7, 31), 5.7, "%", None),
    ("industrial_va_growth", date(2025, 8, 1), date(2025, 8, 31), 5.2, "%", None),
    ("industrial_va_growth", date(2025, 9, 1), date(2025, 9, 30), 6.5, "%", None),
    ("nf10_output", date(2025, 8, 1), date(2025, 8, 31), 6_773_000.0, "t", None),
    ("nf10_output", date(2025, 9, 1), date(2025, 9, 30), 6_912_000.0, "t", None),
    ("nf10_output_ytd", date(2025, 1, 1), date(2025, 7, 31), 47_564_000.0, "t", 3.1),
    ("nf10_output_ytd", date(2025, 1, 1), date(2025, 8, 31), 54_337_000.0, "t", 3.2),
    ("nf10_output_ytd", date(2025, 1, 1), date(2025, 9, 30), 61_249_000.0, "t", 3.0),
    ("refined_copper_output", date(2025, 7, 1), date(2025, 7, 31), 1_253_000.0, "t", None),
    ("refined_copper_output", date(2025, 8, 1), date(2025, 8, 31), 1_295_000.0, "t", None),
    ("refined_copper_output", date(2025, 9, 1), date(2025, 9, 30), 1_301_000.0, "t", None),
]


@pytest.mark.parametrize("case", ["wide_nbs_monthly_gbk.csv", "wide_nbs_monthly_utf8.csv"])
def test_wide_nbs_export(settings, case):
    put(settings, f"tables/{case}")
    assert run_load(settings).exit_code == 0
    assert observations(settings) == WIDE_MONTHLY  # empty cell = gap; footnotes ignored


def test_wide_notes_column_without_a_year_is_not_a_period(settings):
    put(settings, "tables/wide_notes_column.csv")
    assert run_load(settings).exit_code == 0
    assert observations(settings) == [
        ("nf10_output", date(2025, 8, 1), date(2025, 8, 31), 6_773_000.0, "t", None),
        ("nf10_output", date(2025, 9, 1), date(2025, 9, 30), 6_912_000.0, "t", None),
    ]


def test_wide_nbs_annual_xlsx(settings):
    put(settings, "tables/wide_nbs_annual.xlsx")
    assert run_load(settings).exit_code == 0
    rows = observations(settings)
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("primary_aluminium_output", date(2022, 12, 31), 40_214_000.0),
        ("primary_aluminium_output", date(2023, 12, 31), 41_594_000.0),
        ("primary_aluminium_output", date(2024, 12, 31), 44_005_000.0),
        ("refined_copper_output", date(2022, 12, 31), 11_063_000.0),
        ("refined_copper_output", date(2023, 12, 31), 12_988_000.0),
        ("refined_copper_output", date(2024, 12, 31), 13_644_000.0),
    ]


BAD = [
    ("empty.csv", None, r"empty.csv is empty; put the data in it"),
    ("binary_named.csv", None, r"^binary_named.csv is binary, not text; export it as CSV/TXT"),
    ("truncated.xlsx", None, r"truncated.xlsx is truncated or not a valid XLSX workbook"),
    ("header_only.csv", None, r"header_only.csv has a header but no data rows"),
    ("missing_columns.csv", None, r"missing_columns.csv: missing column\(s\) period_end, unit"),
    ("non_numeric_value.csv", 3, r"non_numeric_value.csv row 3: value 'abc' is not a number"),
    ("impossible_date.csv", 3, r"impossible_date.csv row 3: period_start '2023-02-30' is not a real date"),
    ("wrong_dimension_unit.csv", 3, r"wrong_dimension_unit.csv row 3: unit '亿元' does not fit a series measured in t"),
    ("unknown_series.csv", 3, r"unknown_series.csv row 3: unknown series 'zinc_output_typo'; add it to data/catalog.toml"),
    # a comma in an unquoted cell: DuckDB's reader (UTF-8) and the Python reader (GBK) alike
    *[(case, 3, rf"^{case} row 3: a cell right of the header's 8 columns \('同比增长7.1%'\): a comma in an "
       r"unquoted cell splits it; quote that cell, or remove what is beyond the header\.$")
      for case in ("unquoted_comma_in_quote.csv", "unquoted_comma_in_quote_gbk.csv")],
    ("value_1e400.csv", 3, r"^value_1e400.csv row 3: value '1e400' is not a number"),
    ("value_bad_thousands_grouping.csv", 3, r"^value_bad_thousands_grouping.csv row 3: value '7,9,6' is not a number"),
    ("value_arabic_indic_digits.csv", 3, r"^value_arabic_indic_digits.csv row 3: value '٧٥٩٢' is not a number"),
    ("value_devanagari_digits.csv", 3, r"^value_devanagari_digits.csv row 3: value '७५९२' is not a number"),
    ("value_nan_word.csv", 3, r"^value_nan_word.csv row 3: value 'NaN' is not a number"),
    ("value_inf_word.csv", 3, r"^value_inf_word.csv row 3: value '-inf' is not a number"),
    ("period_2099.csv", 3, r"^period_2099.csv row 3: the period ends 2099-12-31, after \d{4}-\d\d-\d\d "
     r"\(this month's end \+ max_future_days=31\); fix the date\.$"),
    ("duplicate_period_rows.csv", 4, r"^duplicate_period_rows.csv row 4: nf10_output 2024-01-01..2024-12-31 is 7920 "
     r"here but 7919 in row 2; keep the right one$"),
    # the series is what is charted: two subjects' values for one series and period are two answers
    ("one_series_two_subjects.csv", 4, r"^one_series_two_subjects.csv row 4: nf10_output 2024-01-01..2024-12-31 is "
     r"1120 \(subject 云南省\) here but 7919 \(subject 全国\) in row 2; keep the right one, or give each subject its "
     r"own series$"),
    ("two_value_columns.csv", None, r"^two_value_columns.csv: columns 4 and 6 are both named 'value'; keep one"),
    ("wide_two_columns_one_period.csv", None, r"^wide_two_columns_one_period.csv: columns 2 '2025年9月' and 4 "
     r"'2025-09' are the same period; keep one"),
    ("wide_duplicate_indicator_rows.csv", 6, r"^wide_duplicate_indicator_rows.csv row 6: 十种有色金属产量当期值 2025年8月 "
     r"is 670.0 here but 677.3 in row 4; keep the right one$"),
    ("wide_cell_beyond_the_last_period.csv", 8, r"^wide_cell_beyond_the_last_period.csv row 8: a cell right of "
     r"the header's last column \('124.0'\): the header names no period for it; add the period to the header, or "
     r"remove the cell$"),
    # a year in a header cell that does not read as a period: refused, not a silently dropped column
    ("wide_header_period_with_a_note.csv", None, r"^wide_header_period_with_a_note.csv: column 4: cannot read the "
     r"period '2025年7月\(修订\)'; fix the header cell \(a cell with a year heads a period\), or its column's values "
     r"are not loaded\.$"),
    ("wide_period_2099.csv", None, r"^wide_period_2099.csv: column 2 '2099年9月': the period ends 2099-09-30, after"),
    ("nul_in_quoted_field.csv", 601, r"^nul_in_quoted_field.csv line 601: contains a NUL character"),
    ("mixed_utf8_gbk.csv", 5, r"^mixed_utf8_gbk.csv line 5: byte 377 is not valid UTF-8 in a file that is "
     r"otherwise UTF-8 \(two encodings mixed\?\); re-save the whole file as UTF-8\.$"),
]


@pytest.mark.parametrize(("case", "row", "message"), BAD)
def test_bad_file_is_rejected_quarantined_and_the_rest_loads(settings, case, row, message):
    bad, good = put(settings, f"tables/{case}", "tables/long_utf8.csv")
    original = (CASE_BYTES := bad.read_bytes())
    result = run_load(settings)
    assert result.exit_code == 1
    rejected = [f for f in result.files if f.status == "rejected"]
    assert len(rejected) == 1 and __import__("re").search(message, rejected[0].error)
    assert "\n" not in rejected[0].error
    # the good file loaded completely, the bad one left no row behind
    assert len(observations(settings)) == 3
    assert query(settings.db, "SELECT count(DISTINCT document_id) FROM observations").item() == 1
    # moved, not deleted, with its reason beside it; recorded in rejects with the row
    assert not bad.exists() and good.exists()
    moved = rejected[0].quarantined_to
    assert moved.read_bytes() == original == CASE_BYTES
    reason = moved.with_name(moved.name + ".reason.txt").read_text(encoding="utf-8")
    assert __import__("re").search(message, reason, __import__("re").M)
    rejects = query(settings.db, "SELECT file_path, row_number, reason, quarantined_to FROM rejects")
    assert rejects.height == 1
    assert rejects.row(0)[1] == row
    assert rejects.row(0)[3].endswith(case)
