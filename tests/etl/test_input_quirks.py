"""Awkward and hostile input files (issue 10): each loads exactly right or is rejected with one line
naming the file and every bad row. Case files are named after their quirk (tests/cases/tables)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from etl.catalog import load_catalog
from etl.pipeline import run_load
from etl.read import query
from etl.settings import load_settings
from etl.sources import bulletin as bulletin_source
from etl.sources import detect_kind
from etl.sources import pdf as pdf_source
from etl.sources.base import NoTextFound, SourceContext, SourceError
from etl.units import UnitError, parse_number
from tests.cases.tables.make_xlsx import shared_strings_bomb
from tests.conftest import CASES, put


def stored(settings) -> list[tuple]:
    return [tuple(r) for r in query(settings.db, "SELECT series_id, period_end, value FROM v_observations "
                                                 "ORDER BY series_id, period_end").iter_rows()]


def rejects(settings) -> list[tuple]:
    return [tuple(r) for r in query(settings.db, "SELECT row_number, reason FROM rejects ORDER BY row_number "
                                                 "NULLS LAST").iter_rows()]


def context(settings) -> SourceContext:
    return SourceContext(settings, load_catalog(settings.catalog), "test-load")


def nf10(years: range, base: int) -> list[tuple]:
    return [("nf10_output", date(y, 12, 31), float((base + y % 100) * 10_000)) for y in years]


# --- numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("1,234,567", Decimal("1234567")), ("78,285", Decimal("78285")), ("９８６２．８４", Decimal("9862.84")),
    ("−5.5", Decimal("-5.5")), ("+3", Decimal("3")), ("1 234", Decimal("1234")), ("1e5", Decimal("1e5")),
])
def test_numbers_as_written(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["7,9,6", "12,34", "1,234 567", "1e400", "٧٥٩٢", "७५९२", "১২", "NaN", "-inf",
                                  "Infinity", "1+2", "-"])
def test_not_numbers(text):
    with pytest.raises(UnitError, match=re.escape(f"'{text}' is not a")):
        parse_number(text)


def test_full_width_digits_load(settings):
    put(settings, "tables/value_fullwidth_digits.csv")
    assert run_load(settings).exit_code == 0
    assert stored(settings) == [("nf10_output", date(2023, 12, 31), 75_920_000.0),
                                ("nf10_output", date(2024, 12, 31), 79_190_000.0)]


# --- every bad row, not the first --------------------------------------------------------------

def test_every_bad_row_is_named_up_to_the_cap(settings):
    bad, good = put(settings, "tables/many_bad_values.csv", "tables/long_utf8.csv")
    result = run_load(settings)
    (rejected,) = [f for f in result.files if f.status == "rejected"]
    named = [f"row {n}: value 'x{1987 + n}' is not a number; fix it or remove the row." for n in range(3, 23)]
    assert rejected.error == "many_bad_values.csv " + "; ".join(named) + "; and 5 more bad row(s)"
    assert rejects(settings) == [
        *[(n, f"many_bad_values.csv row {n}: value 'x{1987 + n}' is not a number; fix it or remove the row.")
          for n in range(3, 23)],
        (None, "many_bad_values.csv: and 5 more bad row(s) not listed"),
    ]
    assert len(stored(settings)) == 3  # the good file beside it loaded


def test_the_cap_is_a_setting(settings):
    settings = load_settings(db=settings.db, inbox=settings.inbox, quarantine=settings.quarantine,
                             max_reported_rows=2)
    put(settings, "tables/many_bad_values.csv")
    (rejected,) = run_load(settings).files
    assert rejected.error.endswith("row 4: value 'x1991' is not a number; fix it or remove the row.; "
                                   "and 23 more bad row(s)")


def test_every_unknown_series_is_named(settings):
    put(settings, "tables/many_unknown_series.csv")
    (rejected,) = run_load(settings).files
    assert rejected.error == (
        "many_unknown_series.csv row 3: unknown series 'zinc_output_typo'; add it to data/catalog.toml or fix "
        "the id.; row 5: unknown series 'lead_output_typo'; add it to data/catalog.toml or fix the id.")
    assert [r[0] for r in rejects(settings)] == [3, 5]


# --- CSV structure -----------------------------------------------------------------------------

def test_a_field_over_128_kb_rejects_only_its_file(settings):
    source = (CASES / "tables" / "long_utf8.csv").read_text(encoding="utf-8")
    huge = 'nf10_output,2023-01-01,2023-12-31,7470,万吨,,,"' + "十" * 200_000 + '"\n'
    (settings.inbox / "field_over_128kb.csv").write_text(source.splitlines(True)[0] + huge, encoding="utf-8")
    put(settings, "tables/long_utf8.csv")
    result = run_load(settings)
    assert [(f.path.name, f.status) for f in result.files] == [
        ("field_over_128kb.csv", "rejected"), ("long_utf8.csv", "loaded")]
    assert result.files[0].error == (
        "field_over_128kb.csv line 2: a field is longer than 131,072 characters (an unclosed quote, or a "
        "document pasted into a cell); fix or remove it.")
    assert rejects(settings)[0][0] == 2 and len(stored(settings)) == 3


def _inside_quotes(data: bytes, cut: int) -> bool:
    return data[:cut].count(b'"') % 2 == 1


def test_a_csv_cut_inside_a_quoted_field_is_rejected_at_every_cut_point(settings, tmp_path):
    data = (CASES / "tables" / "long_utf8.csv").read_bytes()
    cuts = [c for c in range(1, len(data)) if _inside_quotes(data, c)]
    assert len(cuts) > 40
    for cut in cuts:
        path = tmp_path / "cut.csv"
        path.write_bytes(data[:cut])
        with pytest.raises(SourceError) as err:
            detect_kind(path).extract(path, context(settings))
        assert re.fullmatch(r"cut\.csv line \d: (the file ends inside a quoted field \(cut off while copying or "
                            r"exporting\?\); export it again\.|byte [\d,]+ is not valid UTF-8 .*)",
                            str(err.value)), (cut, str(err.value))


def test_every_other_cut_point_loads_or_is_rejected_in_one_line(settings, tmp_path):
    data = (CASES / "tables" / "long_utf8.csv").read_bytes()
    for cut in (c for c in range(1, len(data)) if not _inside_quotes(data, c)):
        path = tmp_path / "cut.csv"
        path.write_bytes(data[:cut])
        try:
            detect_kind(path).extract(path, context(settings))
        except SourceError as exc:
            assert str(exc).startswith("cut.csv") and "\n" not in str(exc)


def test_utf8_file_whose_byte_8192_cuts_a_character_is_recognised(settings):
    put(settings, "tables/utf8_char_across_byte_8192.csv")
    assert (CASES / "tables" / "utf8_char_across_byte_8192.csv").read_bytes()[8192] & 0xC0 == 0x80
    assert run_load(settings).exit_code == 0
    assert stored(settings) == [
        ("nf10_output", date(2025, 8, 31), 6_773_000.0), ("nf10_output", date(2025, 9, 30), 6_912_000.0),
        ("refined_copper_output", date(2025, 7, 31), 1_253_000.0),
        ("refined_copper_output", date(2025, 8, 31), 1_295_000.0),
        ("refined_copper_output", date(2025, 9, 30), 1_301_000.0),
    ]


# --- XLSX ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("case", "expected"), [
    ("two_visible_sheets.xlsx", nf10(range(2020, 2024), 7000)),
    ("hidden_stale_first_sheet.xlsx", nf10(range(2020, 2022), 7000)),
    ("wrong_dimension.xlsx", nf10(range(2014, 2024), 7000)),
    ("merged_cells.xlsx", nf10(range(2020, 2023), 7000)),
])
def test_xlsx_quirks_load_exactly(settings, case, expected):
    put(settings, f"tables/{case}")
    result = run_load(settings)
    assert [(f.status, f.error) for f in result.files] == [("loaded", None)]
    assert stored(settings) == expected


def test_a_shared_strings_bomb_is_refused_unread(settings):
    shared_strings_bomb(settings.inbox / "bomb.xlsx", megabytes=3)
    settings = load_settings(db=settings.db, inbox=settings.inbox, quarantine=settings.quarantine,
                             xlsx_max_uncompressed_mb=2)
    (rejected,) = run_load(settings).files
    assert re.fullmatch(r"bomb\.xlsx unpacks to 3 MB, more than xlsx_max_uncompressed_mb=2 \(a \d+ KB file\); "
                        r"check where it came from, or raise the setting\.", rejected.error)


def test_a_sheet_over_the_row_cap_is_refused(settings):
    put(settings, "tables/wrong_dimension.xlsx")
    settings = load_settings(db=settings.db, inbox=settings.inbox, quarantine=settings.quarantine, xlsx_max_rows=5)
    (rejected,) = run_load(settings).files
    assert rejected.error == ("wrong_dimension.xlsx sheet 'data' has 11 rows, more than xlsx_max_rows=5; "
                              "split it or raise the setting.")


def test_a_bad_row_in_a_second_sheet_names_the_sheet(settings, tmp_path):
    import xlsxwriter

    path = settings.inbox / "sheets.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, value in (("a", "7919"), ("b", "7,9,6")):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["series_id", "period_start", "period_end", "value", "unit"])
        sheet.write_row(1, 0, ["nf10_output", f"2024-01-0{1 if name == 'a' else 2}", "2024-12-31", value, "万吨"])
    book.close()
    (rejected,) = run_load(settings).files
    assert rejected.error == "sheets.xlsx sheet 'b' row 2: value '7,9,6' is not a number; fix it or remove the row."


# --- no text -------------------------------------------------------------------------------------

def test_an_image_only_pdf_has_no_text(settings):
    path = CASES / "bulletin" / "image_only_scan.pdf"
    with pytest.raises(NoTextFound, match=r"^image_only_scan\.pdf: no text found \(a scanned PDF\?\); run OCR on it "
                                          r"and put it back in the inbox\.$"):
        pdf_source.extract(path, context(settings))


def test_a_whitespace_only_text_has_no_text(settings):
    path = CASES / "bulletin" / "whitespace_only.txt"
    assert detect_kind(path) is bulletin_source
    with pytest.raises(NoTextFound, match=r"^whitespace_only\.txt: no text found; put the text in it and put it "
                                          r"back in the inbox\.$"):
        bulletin_source.extract(path, context(settings))


def test_detection_says_what_it_saw(settings, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name;colour\nx;red\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"^other\.csv: no source kind recognises this file \(known kinds: .*\); "
                                          r"it was read as utf-8, delimiter ';', first row 'name,colour'; check"):
        detect_kind(path)


