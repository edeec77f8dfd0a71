"""How numbers, units, signs and periods are written in Chinese statistical prose."""

from __future__ import annotations

from datetime import date

import pytest

from etl.bulletin import extract_document, to_dict


def _one(text: str, published: date | None = date(2025, 11, 8)) -> list[tuple]:
    doc = extract_document("t.txt", text, published, None)
    out = []
    for r in doc.records:
        d = to_dict(doc, r, None)
        out.append((d["value"], d["unit"], d["period_start"], d["period_end"], d["change_pct"], d["change_kind"]))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1-10月，规模以上工业增加值同比增长6.1%。", [("6.1", "%", "2025-01-01", "2025-10-31", None, None)]),
        ("10月末，人民币贷款余额271.2万亿元，同比增长6.5%。",
         [("271.2", "万亿元", "2025-10-31", "2025-10-31", 6.5, "yoy")]),
        ("前三季度，公司实现营业收入123.45亿元，同比下降5.2%。",
         [("123.45", "亿元", "2025-01-01", "2025-09-30", -5.2, "yoy")]),
        ("前三季度，产量为６１２４．９万吨。", [("6124.9", "万吨", "2025-01-01", "2025-09-30", None, None)]),
        ("2024年，产量64，161吨，比上年增长3%。", [("64161", "吨", "2024-01-01", "2024-12-31", 3.0, "yoy")]),
        ("今年前三季度，金价同比上涨百分之四十一。", [("41", "%", "2025-01-01", "2025-09-30", None, None)]),
        ("去年，企业利润减少12.5亿元。", [("-12.5", "亿元", "2024-01-01", "2024-12-31", None, None)]),
        ("三季度，增速回落0.3个百分点。", [("-0.3", "个百分点", "2025-07-01", "2025-09-30", None, None)]),
        ("2024年，投资1159.9\n\n亿元。", [("1159.9", "亿元", "2024-01-01", "2024-12-31", None, None)]),
        ("2024年，甲、乙产量分别增长59.9%和25.1%。",
         [("59.9", "%", "2024-01-01", "2024-12-31", None, None), ("25.1", "%", "2024-01-01", "2024-12-31", None, None)]),
        ("截至2024年底，拥有量达到197.8万件。", [("197.8", "万件", "2024-12-31", "2024-12-31", None, None)]),
        ("2024年，我国创新指数为174.2(以2015年为100)，比上年增长5.3%。",
         [("174.2", "", "2024-01-01", "2024-12-31", 5.3, "yoy")]),
    ],
)
def test_statements(text: str, expected: list[tuple]) -> None:
    assert _one(text) == expected


def test_year_comes_from_the_masthead_when_no_date_is_given() -> None:
    text = "集团报  2024年3月\n\n前两个月，铜产量为100万吨，同比增长2%。"
    assert _one(text, None) == [("100", "万吨", "2024-01-01", "2024-02-29", 2.0, "yoy")]


def test_without_any_date_the_period_stays_empty() -> None:
    assert _one("上半年，铜产量为100万吨。", None) == [("100", "万吨", None, None, None, None)]
