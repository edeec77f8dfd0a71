from decimal import Decimal

import pytest

from etl.units import UnitError, parse_number, parse_unit, to_canonical


@pytest.mark.parametrize(
    ("value", "unit", "expected", "canonical"),
    [
        ("6124.9", "万吨", 61_249_000.0, "t"),
        ("14.75", "万亿元", 1.475e13, "CNY"),
        ("78285", "元/吨", 78285.0, "CNY/t"),
        ("78,285", "元/吨", 78285.0, "CNY/t"),
        ("745.4", "元/克", 745.4, "CNY/g"),
        ("440.72", "亿元", 44_072_000_000.0, "CNY"),
        ("９８６２．８４", "万元", 98_628_400.0, "CNY"),
        ("418", "千瓦时", 418.0, "kWh"),
        ("3.4", "个百分点", 3.4, "pp"),
        ("174.2", "", 174.2, "index"),
        ("100", "指数(2015=100)", 100.0, "index"),
        ("4108", "家", 4108.0, "count"),
        ("-0.8", "%", -0.8, "%"),
        ("52830", "kt", 52_830_000.0, "t"),
        ("2.35", "萬億元", 2.35e12, "CNY"),  # traditional characters, as a Hong Kong report writes them
        ("385", "萬噸", 3_850_000.0, "t"),
        ("1000", "GWh", 1e9, "kWh"),
        ("3.2", "万kWh", 32_000.0, "kWh"),
    ],
)
def test_scaling_is_exact(value, unit, expected, canonical):
    assert to_canonical(value, unit) == (expected, canonical)


def test_decimal_scaling_has_no_binary_rounding():
    # 6124.9 * 1e4 in floats is 61248999.99999999; the Decimal path is exact
    assert parse_number("6124.9") * parse_unit("万吨").factor == Decimal("61249000.0")


@pytest.mark.parametrize(("unit", "series_unit"), [("万吨", "CNY"), ("亿元", "t"), ("%", "CNY/t"), ("元/吨", "t")])
def test_a_unit_of_the_wrong_dimension_is_refused(unit, series_unit):
    with pytest.raises(UnitError, match=f"unit '{unit}' does not fit a series measured in {series_unit}"):
        to_canonical("1", unit, series_unit)


def test_same_dimension_other_magnitude_is_accepted():
    assert to_canonical("1.5", "亿吨", "t") == (150_000_000.0, "t")


@pytest.mark.parametrize("unit", ["furlongs", "万%", "斤斤"])
def test_unknown_units_are_named(unit):
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit(unit)


@pytest.mark.parametrize("text", ["abc", "", "1.2.3", "NaN", "inf"])
def test_non_numbers_are_refused(text):
    with pytest.raises(UnitError, match="not a"):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [("120", "万千瓦", (1_200_000.0, "kW")), ("3", "倍", (3.0, "x")), ("9500", "美元/吨", (9500.0, "USD/t")),
     ("0.35", "元/千瓦时", (0.35, "CNY/kWh")), ("12", "万人次", (120_000.0, "count")),
     ("423", "亿块", (42_300_000_000.0, "count")), ("2900", "万标准箱", (29_000_000.0, "TEU"))],
)
def test_units_real_bulletins_use(value, unit, expected):
    assert to_canonical(value, unit) == expected
