from datetime import date

import pytest

from etl.periods import PeriodError, parse_period

D = date


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("前三季度", D(2025, 1, 1), D(2025, 9, 30)),
        ("1-9月", D(2025, 1, 1), D(2025, 9, 30)),
        ("1—9月", D(2025, 1, 1), D(2025, 9, 30)),
        ("1至9月", D(2025, 1, 1), D(2025, 9, 30)),
        ("三季度", D(2025, 7, 1), D(2025, 9, 30)),
        ("第三季度", D(2025, 7, 1), D(2025, 9, 30)),
        ("三季度末", D(2025, 9, 30), D(2025, 9, 30)),
        ("9月末", D(2025, 9, 30), D(2025, 9, 30)),
        ("上半年", D(2025, 1, 1), D(2025, 6, 30)),
        ("2024年", D(2024, 1, 1), D(2024, 12, 31)),
        ("2025年9月", D(2025, 9, 1), D(2025, 9, 30)),
        ("2025年第三季度", D(2025, 7, 1), D(2025, 9, 30)),
        ("2025-09", D(2025, 9, 1), D(2025, 9, 30)),
        ("2025Q3", D(2025, 7, 1), D(2025, 9, 30)),
        ("2025-09-30", D(2025, 9, 30), D(2025, 9, 30)),
        ("2024年末", D(2024, 12, 31), D(2024, 12, 31)),
        ("2024年底", D(2024, 12, 31), D(2024, 12, 31)),
        ("去年", D(2024, 1, 1), D(2024, 12, 31)),
        ("上年", D(2024, 1, 1), D(2024, 12, 31)),
        ("今年前10个月", D(2025, 1, 1), D(2025, 10, 31)),
        ("2024年1-2月", D(2024, 1, 1), D(2024, 2, 29)),
        ("一季度", D(2025, 1, 1), D(2025, 3, 31)),
        ("２０２５年９月", D(2025, 9, 1), D(2025, 9, 30)),
    ],
)
def test_labels(label, start, end):
    assert parse_period(label, year=2025) == (start, end)


def test_a_stock_is_a_point_in_time():
    assert parse_period("三季度", year=2025, point=True) == (D(2025, 9, 30), D(2025, 9, 30))


def test_year_in_the_label_beats_the_document_year():
    assert parse_period("2023年前三季度", year=2025) == (D(2023, 1, 1), D(2023, 9, 30))


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2025-02-30", "is not a real date"),
        ("13月", "names month 13"),
        ("2025年9-3月", "runs backwards"),
        ("下个财年", "cannot read the period"),
    ],
)
def test_bad_labels(label, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(label, year=2025)


def test_a_label_without_year_needs_the_document_date():
    with pytest.raises(PeriodError, match="needs the document's date"):
        parse_period("去年")
    with pytest.raises(PeriodError, match="has no year"):
        parse_period("前三季度")
