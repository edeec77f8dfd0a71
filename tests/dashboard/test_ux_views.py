"""What a manager reads at a glance and an analyst works in: cumulation lengths, period labels,
ranges, colours, bars for cross-sections (issue 16). Pure builders first, then AppTest per page."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from dashboard import charts, plant_charts, transforms
from etl.pipeline import run_load
from tests.dashboard.conftest import CASES, app_test


def ytd(sid: str, rows: list[tuple[int, int, float]], label: str | None = None) -> pl.DataFrame:
    """Year-to-date rows (year, last month, value) of one cumulative flow series."""
    starts = [date(y, 1, 1) for y, _, _ in rows]
    ends = pl.Series([date(y, m, 1) for y, m, _ in rows]).dt.month_end()
    return pl.DataFrame({"series_id": sid, "label": label or sid, "period_start": starts, "period_end": ends,
                         "value": [float(v) for _, _, v in rows], "unit": "万吨", "kind": "flow",
                         "cumulative": True})


YTD_ROWS = [(2023, 3, 1826.3), (2023, 6, 3638.0), (2023, 9, 5474.0),
            (2024, 3, 1900.0), (2024, 6, 3800.0), (2024, 9, 5700.0), (2025, 3, 1950.0), (2025, 6, 3900.0)]


def test_year_to_date_level_is_one_line_per_cumulation_length():
    fig = charts.series_chart(transforms.with_cumulation(ytd("nf_ytd", YTD_ROWS, "产量")))
    lines = {trace.name: [v for v in trace.y if v == v] for trace in fig.data}
    assert lines == {"产量 · 1–3月累计": [1826.3, 1900.0, 1950.0],
                     "产量 · 1–6月累计": [3638.0, 3800.0, 3900.0],
                     "产量 · 1–9月累计": [5474.0, 5700.0]}
    assert len({trace.line.color for trace in fig.data}) == 1  # one series, one colour; dashes tell lengths


def test_cumulation_legends_in_english():
    fig = charts.series_chart(transforms.with_cumulation(ytd("s", YTD_ROWS, "Output")), lang="en")
    assert [trace.name for trace in fig.data] == ["Output · Jan–Mar YTD", "Output · Jan–Jun YTD",
                                                   "Output · Jan–Sep YTD"]


def test_a_missing_year_breaks_a_cumulation_line():
    rows = [(2020, 6, 100.0), (2021, 6, 110.0), (2023, 6, 130.0)]
    fig = charts.series_chart(transforms.with_cumulation(ytd("s", rows)))
    assert [None if v != v else v for v in fig.data[0].y] == [100.0, 110.0, None, 130.0]


def test_sparkline_rows_of_a_ytd_series_share_the_latest_cumulation_length():
    kept = transforms.like_latest_cumulation(ytd("s", YTD_ROWS))
    assert kept.get_column("value").to_list() == [3638.0, 3800.0, 3900.0]  # latest is Jan–Jun 2025


def test_view_span_keeps_every_to_date_figure_of_a_cumulative_series():
    frame = ytd("s", YTD_ROWS)
    assert transforms.select_span_for_view(frame, "auto").height == len(YTD_ROWS)
    assert transforms.select_span(frame, "auto").height < len(YTD_ROWS)  # the old default dropped Jan–Mar


def _spark(at, label: str) -> list[float]:
    metric = next(m for m in at.metric if m.label == label)
    return list(metric.proto.chart_data)


@pytest.fixture
def ytd_only(settings):
    """Only the year-to-date twin of the ten-metals family (reference_subset.csv's rows of it), so
    the family's card is led by a year-to-date figure."""
    lines = (CASES / "reference_subset.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.startswith("nf10_output_ytd,")]
    (settings.inbox / "ytd_only.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert run_load(settings).exit_code == 0
    return settings


def test_overview_ytd_sparkline_is_not_a_zigzag(ytd_only):
    at = app_test().run()
    assert not at.exception
    # the card's latest figure is Jan–Jun 2024: its sparkline holds the Jan–Jun figures of the
    # cards' three-year window (reference_subset.csv), not Jan–Jun, Jan–Jul, Jan–Sep, … joined
    assert _spark(at, "十种有色金属产量·累计") == [3254.9, 3283.3, 3638.0, 3900.2]


def _chart(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_explore_level_of_a_ytd_series_draws_a_line_per_length(loaded):
    at = app_test("screens/explore.py", s="nf10_output_ytd").run()
    assert not at.exception
    names = [trace["name"] for trace in _chart(at)["data"]]
    assert all("累计" in n or "全年" in n or n.endswith("1月") for n in names), names
    assert len(names) == len(set(names)) > 1


# ---- Explore: frequencies, ranges, colours, cross-sections ------------------------------------

def periods(sid: str, ends: list[date], months: int, values: list[float] | None = None) -> pl.DataFrame:
    ends_s = pl.Series(ends)
    starts = ends_s.dt.offset_by(f"-{months}mo").dt.month_end().dt.offset_by("1d")
    return pl.DataFrame({"series_id": sid, "label": sid, "period_start": starts, "period_end": ends_s,
                         "value": values or [float(i + 1) for i in range(len(ends))], "unit": "万吨"})


ANNUAL = periods("a", [date(y, 12, 31) for y in range(2016, 2026)], 12)
MONTHLY = periods("m", [date(2025, m, 1) for m in range(3, 10)], 1).with_columns(
    pl.col("period_end").dt.month_end())
QUARTERLY = periods("q", [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31),
                          date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)], 3)


def test_annual_ticks_name_years():
    fig = charts.series_chart(ANNUAL)
    assert list(fig.layout.xaxis.ticktext) == [f"{y}年" for y in range(2016, 2026)]
    assert charts.series_chart(ANNUAL, lang="en").layout.xaxis.ticktext[0] == "2016"


def test_monthly_ticks_name_months_never_days():
    assert list(charts.series_chart(MONTHLY).layout.xaxis.ticktext) == [f"2025年{m}月" for m in range(3, 10)]


def test_quarterly_ticks_name_quarters():
    ticks = list(charts.series_chart(QUARTERLY).layout.xaxis.ticktext)
    assert ticks == ["2024年一季度", "2024年二季度", "2024年三季度", "2024年四季度",
                     "2025年一季度", "2025年二季度", "2025年三季度"]


def test_period_labels_follow_the_frequency():
    from dashboard.explore_state import period_labels

    assert period_labels(ANNUAL, "zh")[date(2020, 12, 31)] == "2020年"
    assert period_labels(QUARTERLY, "zh")[date(2025, 9, 30)] == "2025年三季度"
    both = pl.concat([ANNUAL, periods("m2", [date(2025, 12, 31)], 1)])
    assert period_labels(both, "en")[date(2025, 12, 31)] == "Dec 2025"  # the shortest period names the day


def test_one_shared_period_of_several_series_is_bars():
    frame = pl.concat([periods(sid, [date(2025, 6, 30)], 6, [v]) for sid, v in
                       (("co_a", 120.0), ("co_b", 80.0), ("co_c", 60.5), ("co_d", 20.0))])
    fig = charts.series_chart(frame)
    assert [trace.type for trace in fig.data] == ["bar"] * 4
    assert [trace.x[0] for trace in fig.data] == ["co_a", "co_b", "co_c", "co_d"]
    assert fig.layout.xaxis.type == "category" and fig.layout.xaxis.title.text == "2025年1-6月"


def test_series_keep_their_colour_across_transforms_and_selections():
    a, b = ANNUAL, ANNUAL.with_columns(series_id=pl.lit("b"), label=pl.lit("b"), value=pl.col("value") * 2)
    level = {tr.name: tr.line.color for tr in charts.series_chart(pl.concat([a, b])).data}
    reordered = {tr.name: tr.line.color for tr in charts.series_chart(transforms.yoy(pl.concat([b, a]))).data}
    assert level == reordered and len(set(level.values())) == 2


def test_explore_default_range_is_the_whole_span_and_survives_transforms(loaded):
    at = app_test("screens/explore.py", s="copper_spot_price_avg").run()
    at.multiselect(key="ex_series").select("nf10_output").run()
    ends = sorted(set(at.dataframe[0].value["期间"]))
    slider = at.select_slider[0]
    assert slider.value == (date(2013, 12, 31), date(2025, 12, 31))  # copper's first month to nf10_output's last year
    for transform in ("yoy", "single", "index", "level"):
        at.radio(key="ex_transform").set_value(transform).run()
        assert not at.exception
        assert at.select_slider[0].value[1] == date(2025, 12, 31), transform
    assert "from" not in at.query_params and "to" not in at.query_params
    assert sorted(set(at.dataframe[0].value["期间"])) == ends


def test_explore_labels_annual_periods_as_years(loaded):
    at = app_test("screens/explore.py", s="nf10_output", t="index").run()
    assert at.select_slider[0].options[0] == "2016年"
    assert at.selectbox(key="ex_base").options[:2] == ["2016年", "2017年"]


def test_explore_single_period_view_names_the_split_series(loaded):
    at = app_test("screens/explore.py", s="nf10_output_ytd", t="single").run()
    assert set(at.dataframe[0].value["指标"]) == {"十种常用有色金属产量(由累计值拆分)"}
    assert not any("年初至今" in trace["name"] for trace in _chart(at)["data"])


def test_explore_plant_kpis_are_not_said_to_come_from_cumulative_figures(with_plant):
    at = app_test("screens/explore.py", s="plant_w1_fpy_d").run()
    captions = [c.value for c in at.caption]
    assert "工厂日指标由 Pulse 根据原始记录汇总计算(非公布值)。" in captions
    assert not any("累计值相减" in c for c in captions)


def test_explore_language_switch_keeps_the_view_and_relabels_series(loaded):
    at = app_test("screens/explore.py", s="nf10_output_ytd", t="single").run()
    at.session_state["lang"] = "en"
    at.run()
    assert at.radio(key="ex_transform").value == "single"
    assert at.multiselect(key="ex_series").value == ["nf10_output_ytd"]
    assert at.multiselect(key="ex_series").options == [
        o for o in at.multiselect(key="ex_series").options if not any("\u4e00" <= ch <= "\u9fff" for ch in o)]
    assert set(at.dataframe[0].value["Series"]) == {
        "Output of ten common nonferrous metals (split from year-to-date)"}


# ---- Overview: card names, plant alerts -------------------------------------------------------

def test_overview_card_uses_the_short_name_with_the_full_name_in_its_tooltip(ytd_only):
    at = app_test().run()
    card = next(m for m in at.metric if m.label == "十种有色金属产量·累计")
    assert card.proto.help.startswith("十种常用有色金属产量(年初至今累计) · 来源:")  # then the provenance
    en = app_test(lang="en").run()
    assert "Ten metals output, YTD" in [m.label for m in en.metric]


def test_catalog_short_names_tell_every_card_apart():
    from etl.catalog import load_catalog
    from etl.settings import PROJECT_ROOT

    catalog = load_catalog(PROJECT_ROOT / "data" / "catalog.toml")
    for lang in ("zh", "en"):
        shown = {}
        for s in catalog.series.values():
            name = (s.short_en or s.name_en) if lang == "en" else (s.short_zh or s.name_zh)
            shown.setdefault((s.category, name), []).append(s.id)
        assert [ids for ids in shown.values() if len(ids) > 1] == [], lang


def _alerts(at):
    return next(d.value for d in at.dataframe if "判异规则" in d.value.columns or "Rule" in d.value.columns)


def test_overview_plant_alerts_read_as_a_table_in_chinese(with_plant):
    at = app_test().run()
    assert not at.exception
    table = _alerts(at)
    assert list(table.columns) == ["日期", "控制图", "对象", "判异规则", "数值", "控制限", "中心线"]
    cells = " ".join(str(v) for v in table.to_numpy().ravel())
    assert "00:00:00" not in cells and "WE4: 8 points" not in cells and "points" not in cells
    assert table["日期"].str.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日").all()
    p_rows = table[table["控制图"] == "不合格率 p 图"]
    assert p_rows.height if hasattr(p_rows, "height") else len(p_rows)
    assert p_rows["数值"].str.fullmatch(r"\d+\.\d\d%").all()


def test_plant_alerts_in_english(with_plant):
    at = app_test("screens/plant.py", lang="en").run()
    table = _alerts(at)
    assert list(table.columns) == ["Date", "Chart", "Subject", "Rule", "Value", "Limit", "Centre"]
    assert set(table["Rule"]) <= {"WE1: 1 point beyond 3σ", "WE2: 2 of 3 points beyond 2σ",
                                  "WE3: 4 of 5 points beyond 1σ", "WE4: 8 points in a row on one side"}


# ---- Plant: simulated mark, drill-down, one colour rule ---------------------------------------

def test_one_colour_rule_for_quality_and_one_for_market_values():
    from dashboard import tones

    assert tones.change_color(-1, better=1) == tones.RED      # yield below target: worse
    assert tones.change_color(+1, better=-1) == tones.RED     # more defects: worse
    assert tones.change_color(+1, better=1) == tones.GREEN
    assert tones.change_color(+1) == tones.RED and tones.change_color(-1) == tones.GREEN  # market: red = up
    assert tones.metric_delta_color("plant_w1_fpy_d", "plant") == "normal"   # green up, red down
    assert tones.metric_delta_color("plant_w1_defects_por_d", "plant") == "inverse"
    assert tones.metric_delta_color("plant_w1_welds_d", "plant") == "off"
    assert tones.metric_delta_color("copper_spot_price_avg", "price") == "inverse"  # in zh and en alike


def test_briefing_target_tiles_follow_the_quality_rule():
    from dashboard.briefing.panels import Tile, _fill_change
    from dashboard.tones import RED, change_color

    tile = Tile(label="焊接一次合格率", better=1)
    _fill_change(tile, 99.82 - 99.9, "pp", "较目标 99.9%", "zh", 3)
    assert tile.change.startswith("▼") and change_color(tile.direction, tile.better) == RED


def test_histogram_axis_fits_the_bulk_of_the_values():
    values = [8.0 + (i % 90) / 10 for i in range(900)] + [43.0]  # 8–17 mV and one extreme weld
    fig = plant_charts.histogram(pl.DataFrame({"vdrop_mv": values}), "vdrop_mv", unit="mV")
    centres = list(fig.data[0].x)
    assert max(centres) < 17.5 and min(centres) > 7.5
    assert fig.layout.annotations[0].text == "另有 1 个值超出横轴(最小 8.0 mV,最大 43.0 mV)"


def test_per_robot_panels_show_every_value_and_carry_dates():
    days = [date(2025, 7, d) for d in range(1, 11)]
    frame = pl.DataFrame({"robot": ["R1"] * 10 + ["R2"] * 10, "day": days * 2,
                          "first_pass_yield_pct": [100.0] * 9 + [96.8] + [99.95] * 10})
    fig = plant_charts.small_multiples(frame, target=99.9)
    low, high = fig.layout.yaxis.range
    assert low < 96.8 and high > 100.0
    assert fig.layout.xaxis.showticklabels and fig.layout.xaxis2.showticklabels


def test_weld_table_reads_in_the_chosen_language():
    from dashboard.plant_tables import weld_table

    rows = pl.DataFrame({"ts": [None, None], "robot": ["R6", "R6"], "vdrop_mv": [12.1, 30.2],
                         "passed": [True, False], "defect_code": [None, "POR"], "document_id": ["d1", "d1"]})
    zh = weld_table(rows, "zh")
    assert zh.columns == ["时间", "机器人", "压降 (mV)", "合格", "缺陷"]
    assert zh.get_column("缺陷").to_list() == ["无缺陷", "气孔(POR)"]
    assert weld_table(rows, "en").get_column("Defect").to_list() == ["no defect", "porosity (POR)"]


def _annotations(chart) -> list[str]:
    return [a.get("text", "") for a in json.loads(chart.proto.spec)["layout"].get("annotations", [])]


def test_simulated_plant_data_is_marked_on_cards_explore_and_every_plant_chart(with_plant):
    overview = app_test().run()
    assert "模拟数据" in " ".join(c.value for c in overview.caption)
    explore = app_test("screens/explore.py", s="plant_w1_fpy_d").run()
    assert "<b>模拟数据</b>" in _annotations(explore.get("plotly_chart")[0])
    plant = app_test("screens/plant.py", lang="en").run()
    charts_shown = plant.get("plotly_chart")
    assert charts_shown and all("<b>Simulated data</b>" in _annotations(c) for c in charts_shown)
    # no raw query while the drill-down is closed: no histogram of raw welds
    assert not any("Voltage-drop distribution" == json.loads(c.proto.spec)["layout"].get("title", {}).get("text")
                   and "bar" in json.dumps(c.proto.spec) for c in charts_shown)


def test_plant_drill_down_filters_by_robot_and_says_when_the_grid_is_cut(with_plant):
    at = app_test("screens/plant.py")
    at.session_state["pl_drill_open"] = True
    at.run()
    assert not at.exception
    grid = next(d.value for d in at.dataframe if "焊点编号" in d.value.columns)
    assert set(grid["机器人"]) > {"R6"}
    count = next(c.value for c in at.caption if c.value.endswith("条焊接记录")).split()[0]
    assert [i.value for i in at.info] == [f"表中显示前 1,000 条(共 {count} 条);完整数据请用 CSV 下载或 SQL 页。"]
    at.selectbox(key="pl_drill_robot").set_value("R6").run()
    grid = next(d.value for d in at.dataframe if "焊点编号" in d.value.columns)
    assert set(grid["机器人"]) == {"R6"}
    assert "None" not in set(grid["缺陷"]) and "无缺陷" in set(grid["缺陷"])


def test_figures_do_not_carry_plotly_whites_seven_kilobyte_template():
    fig = plant_charts.pareto(pl.DataFrame({"defect_code": ["POR", "LOF"], "welds": [3, 1]}))
    assert len(json.dumps(fig.layout.template.to_plotly_json())) < 600
    assert fig.layout.template.layout.plot_bgcolor == "white"
