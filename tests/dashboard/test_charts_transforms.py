"""Pure tests: chart builders, transformations, downsampling, formatting."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from dashboard import charts, plant_charts, transforms
from dashboard.downsample import downsample_frame
from dashboard.explore_state import ExploreState, from_query, to_query
from dashboard.i18n import format_number, format_period


def monthly(sid: str, values: list[float | None], unit: str = "万吨", start: date = date(2020, 1, 1)) -> pl.DataFrame:
    ends = pl.date_range(start, start.replace(year=start.year + 20), "1mo", eager=True)[: len(values)].dt.month_end()
    return pl.DataFrame({"series_id": sid, "label": sid, "period_start": ends.dt.month_start(), "period_end": ends,
                         "value": pl.Series(values, dtype=pl.Float64), "unit": unit})


def test_long_series_sends_at_most_max_points_and_keeps_extremes():
    n = 50_000
    values = np.sin(np.arange(n) / 300.0)
    values[12_345], values[40_000] = 9.0, -9.0
    frame = pl.DataFrame({"series_id": "s", "label": "s", "period_start": date(2000, 1, 1),
                          "period_end": [date(1900, 1, 1) + timedelta(days=i) for i in range(n)],
                          "value": values, "unit": "t"})
    fig = charts.series_chart(frame, max_points=2000)
    y = np.asarray(fig.data[0].y, dtype=float)
    assert len(y) <= 2000
    assert np.nanmax(y) == 9.0 and np.nanmin(y) == -9.0


def test_downsampling_keeps_a_gap():
    values = [float(i % 17) for i in range(10_000)]
    values[5000:5100] = [None] * 100
    frame = pl.DataFrame({"x": list(range(10_000)), "y": values})
    out = downsample_frame(frame, "x", "y", 500)
    assert out.height <= 500
    assert out.get_column("y").null_count() == 1


def test_gaps_are_gaps_and_units_split_axes():
    a = monthly("a", [1.0, 2.0, 3.0, 4.0]).filter(pl.col("period_end") != date(2020, 2, 29))
    b = monthly("b", [100.0, 200.0], unit="元/吨")
    fig = charts.series_chart(pl.concat([a, b]), lang="zh")
    first = fig.data[0]
    assert list(first.y)[1] is None or np.isnan(list(first.y)[1])  # Feb inserted as a gap
    assert first.connectgaps is False
    assert fig.data[1].yaxis == "y2" and fig.layout.yaxis2.title.text == "元/吨"
    assert "Noto Sans CJK SC" in fig.layout.font.family


def test_hover_carries_source_and_quote():
    frame = monthly("a", [5.0]).with_columns(document=pl.lit("bulletin.txt"), quote=pl.lit("产量为5万吨"))
    fig = charts.series_chart(frame, lang="zh")
    row = fig.data[0].customdata[0]
    assert row[0] == "5.00 万吨" and row[1] == "2020年1月" and "bulletin.txt" in row[2] and "产量为5万吨" in row[3]


def test_hover_names_publisher_date_and_link_not_the_file():
    frame = monthly("a", [5.0]).with_columns(
        document=pl.lit("000_0bd2a604021fabf6.txt"), quote=pl.lit("产量为5万吨"), publisher=pl.lit("国家统计局"),
        published=pl.lit(date(2020, 2, 17)), loaded_on=pl.lit(date(2020, 3, 1)),
        source_link=pl.lit("https://www.stats.gov.cn/sj/zxfb/202002/t20200217.html"))
    row = charts.series_chart(frame, lang="zh").data[0].customdata[0]
    assert row[2] == "来源:国家统计局 · 2020-02-17"
    assert row[4] == "https://www.stats.gov.cn/sj/zxfb/202002/t20200217.html"
    undated = frame.with_columns(published=pl.lit(None, dtype=pl.Date))
    assert charts.series_chart(undated, lang="en").data[0].customdata[0][2] == "Source: 国家统计局 · loaded 2020-03-01"


def test_yoy_uses_calendar_keys_not_row_offsets():
    frame = pl.concat([monthly("a", [10.0, 20.0]), monthly("a", [15.0], start=date(2021, 2, 1))])
    out = transforms.yoy(frame)  # Feb 2021 vs Feb 2020; Jan 2021 missing must not shift anything
    assert out.height == 1 and out.get_column("value")[0] == -25.0


def test_yoy_prefers_published_change():
    frame = pl.concat([monthly("a", [10.0]), monthly("a", [12.0], start=date(2021, 1, 1))]).with_columns(
        change_pct=pl.Series([None, 19.0]), change_kind=pl.Series([None, "yoy"]))
    out = transforms.yoy(frame)
    assert out.get_column("value").to_list() == [19.0]


def test_index_and_share():
    frame = pl.concat([monthly("a", [50.0, 100.0]), monthly("b", [50.0, 300.0])])
    index = transforms.index_to(frame, date(2020, 1, 31))
    assert index.filter(pl.col("series_id") == "b").get_column("value").to_list() == [100.0, 600.0]
    share = transforms.share(frame)
    assert share.filter(pl.col("series_id") == "a").get_column("value").to_list() == [50.0, 25.0]


def test_q3_is_first_three_quarters_minus_first_half():
    frame = pl.DataFrame({"series_id": "y", "label": "y", "unit": "万吨", "kind": "flow", "cumulative": True,
                          "period_start": [date(2025, 1, 1)] * 3,
                          "period_end": [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)],
                          "value": [1826.3, 3638.0, 5502.0]})
    out, untouched = transforms.single_period(frame)
    q3 = out.filter(pl.col("period_end") == date(2025, 9, 30)).row(0, named=True)
    assert q3["period_start"] == date(2025, 7, 1) and round(q3["value"], 1) == 1864.0 and q3["derived"]
    assert untouched == []


def test_explore_state_round_trip():
    state = ExploreState(series=("a", "b"), transform="index", span="A", start=date(2016, 12, 31),
                         end=date(2024, 12, 31), base=date(2020, 12, 31))
    again = from_query(to_query(state, "en"), {"a", "b"})
    assert again == state
    assert from_query({"s": "a,zz", "t": "bogus"}, {"a"}).missing == ("zz",)


def test_formatting():
    assert format_number(6124.9, "万吨") == "6,124.9 万吨"
    assert format_number(79850.0, "元/吨", "en") == "79,850 CNY/t"
    assert format_period(date(2025, 9, 1), date(2025, 9, 30)) == "2025年9月"
    assert format_period(date(2025, 9, 1), date(2025, 9, 30), "en") == "Sep 2025"
    assert format_period(date(2025, 1, 1), date(2025, 9, 30)) == "2025年1-9月"
    assert format_period(date(2025, 7, 1), date(2025, 9, 30), "en") == "Q3 2025"


def test_plant_builders_accept_contract_frames():
    days = pl.date_range(date(2025, 1, 1), date(2025, 3, 1), eager=True)
    p = pl.DataFrame({"day": days, "yield_pct": 99.8, "center_pct": 99.85, "lcl_pct": 99.6, "ucl_pct": 100.0,
                      "out_of_control": [i == 5 for i in range(len(days))]})
    fig = plant_charts.pchart(p, "en")
    assert any(tr.name == "out of control" for tr in fig.data)
    assert plant_charts.pareto(pl.DataFrame({"defect_code": ["a", "b", "a"], "welds": [5, 3, 2]})).data[0].x == ("a", "b")
    hist = plant_charts.histogram(pl.DataFrame({"v": np.random.default_rng(1).normal(12, 1, 100_000)}), "v", bins=40)
    assert len(hist.data[0].x) == 40


def test_yields_near_100_percent_keep_their_second_decimal():
    from dashboard.i18n import format_number

    assert format_number(99.953, "%") == "99.95%"
    assert format_number(84.61, "%") == "84.6%"


def test_annual_points_sit_in_their_year_and_chinese_ticks_name_it():
    from datetime import date

    from dashboard import charts

    frame = pl.DataFrame({
        "series_id": ["a"] * 3, "label": ["产量"] * 3, "unit": ["万吨"] * 3, "value": [1.0, 2.0, 3.0],
        "period_start": [date(y, 1, 1) for y in (2023, 2024, 2025)],
        "period_end": [date(y, 12, 31) for y in (2023, 2024, 2025)],
    })
    zh = charts.series_chart(frame, lang="zh")
    assert zh.data[0].xperiodalignment == "middle" and zh.data[0].xperiod == "M12"
    assert [s.value for s in zh.layout.xaxis.tickformatstops][-1] == "%Y年"
    assert not charts.series_chart(frame, lang="en").layout.xaxis.tickformatstops
