import csv
from datetime import date
from pathlib import Path

import pytest

from etl.catalog import CatalogError, load_catalog
from etl.settings import Settings

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "inbox" / "reference" / "reference_history.csv"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(Settings().catalog)


def test_every_reference_series_is_in_the_catalog(catalog):
    ids = {row["series_id"] for row in csv.DictReader(REFERENCE.open(encoding="utf-8"))}
    assert ids and all(catalog.resolve_id(i) for i in ids)


@pytest.mark.parametrize(
    ("indicator", "subject", "unit", "start", "end", "expected"),
    [
        ("十种常用有色金属产量", "全国", "t", date(2025, 1, 1), date(2025, 9, 30), "nf10_output_ytd"),
        ("十种有色金属产量", "全国", "t", date(2024, 1, 1), date(2024, 12, 31), "nf10_output"),
        ("十种有色金属产量", "全国", "t", date(2025, 9, 1), date(2025, 9, 30), "nf10_output"),
        ("营业收入", "云铝股份", "CNY", date(2025, 1, 1), date(2025, 9, 30), "co_yunlv_revenue_ytd"),
        ("营业收入", "驰宏锌锗", "CNY", date(2025, 7, 1), date(2025, 9, 30), "co_chihong_revenue"),
        ("人民币各项贷款余额", "金融机构", "CNY", date(2025, 9, 30), date(2025, 9, 30), "rmb_loans_balance"),
        ("规模以上工业增加值同比增速", "", "%", date(2025, 1, 1), date(2025, 9, 30), "industrial_va_growth_ytd"),
        ("铜均价", "国内现货市场", "CNY/t", date(2025, 1, 1), date(2025, 9, 30), "copper_spot_price_avg_ytd"),
    ],
)
def test_match(catalog, indicator, subject, unit, start, end, expected):
    assert catalog.match(indicator, subject, unit, start, end).id == expected


def test_a_rate_does_not_map_to_a_level_series(catalog):
    assert catalog.match("十种有色金属产量同比增速", "全国", "%", date(2025, 1, 1), date(2025, 9, 30)) is None


def test_a_company_alias_needs_both_parts(catalog):
    assert catalog.match("营业收入", "某某公司", "CNY", date(2025, 1, 1), date(2025, 9, 30)) is None


def test_display_factor_comes_from_the_display_unit(catalog):
    assert catalog.get("nf10_output").display_factor == 1e4
    assert catalog.get("rmb_loans_balance").display_factor == 1e12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[series]]\nid = "x"\n', "series #1 lacks name_zh"),
        ("[[series\n", "is not valid TOML"),
        ('[[series]]\nid="a"\nname_zh="a"\nname_en="a"\nsubject=""\ncategory="c"\nunit="furlong"\n'
         'display_unit=""\nfrequency="A"\nkind="flow"\n', "unknown canonical unit 'furlong'"),
    ],
)
def test_a_broken_catalog_says_where(tmp_path, text, message):
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


def test_a_month_on_month_rate_does_not_map_to_a_yoy_series(catalog):
    assert catalog.match("规模以上工业增加值比上月增长", "", "%", date(2025, 10, 1), date(2025, 10, 31)) is None
    assert catalog.match("规模以上工业增加值环比增长", "", "%", date(2025, 10, 1), date(2025, 10, 31)) is None
    assert catalog.match("规模以上工业增加值同比增长", "", "%", date(2025, 10, 1), date(2025, 10, 31)).id == (
        "industrial_va_growth"
    )


@pytest.mark.parametrize("indicator", ["十种常用有色金属产量(预计)", "预计全年十种有色金属产量", "十种有色金属产量目标"])
def test_forecasts_and_targets_never_map_to_a_series_of_actuals(catalog, indicator):
    assert catalog.match(indicator, "全国", "t", date(2025, 1, 1), date(2025, 12, 31)) is None
