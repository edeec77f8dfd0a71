"""AppTest per page: no exception, key values shown, widgets drive the view, friendly messages."""

from __future__ import annotations

import polars as pl
import pytest

from etl.target import LakeTarget
from tests.dashboard.conftest import app_test, texts

pytestmark = pytest.mark.backends


def test_overview_shows_latest_values_with_yoy_in_display_units(loaded):
    at = app_test().run()
    assert not at.exception
    labels = {m.label: m for m in at.metric}
    card = labels["十种常用有色金属产量"]
    assert card.value == "8,175.0 万吨"  # 2025 annual output, the latest of the series' annual figures
    assert "+3.9%" in card.delta and "同比" in card.delta  # the published change
    assert "截至 2025年" in texts(at)
    assert "产量" in texts(at) and "价格" in texts(at)


def test_overview_in_english(loaded):
    at = app_test(lang="en").run()
    assert not at.exception
    labels = {m.label: m for m in at.metric}
    assert labels["Output of ten common nonferrous metals"].value == "8,175.0 10k t"
    assert "as of 2025" in texts(at)


def test_no_warehouse_is_a_friendly_message_on_every_page(settings):
    for page in ("screens/overview.py", "screens/explore.py", "screens/plant.py", "screens/sources.py"):
        at = app_test(page).run()
        assert not at.exception, page
        assert "pulse load" in texts(at), page


def test_explore_restores_a_shared_url(loaded):
    at = app_test("screens/explore.py", s="nf10_output,copper_spot_price_avg", t="yoy").run()
    assert not at.exception
    assert at.multiselect(key="ex_series").value == ["nf10_output", "copper_spot_price_avg"]
    assert at.radio(key="ex_transform").value == "yoy"
    assert len(at.get("plotly_chart")) == 1
    assert [b.proto.label for b in at.get("download_button") if b.proto.id.endswith("ex_chart_png")] == ["PNG"]
    table = at.dataframe[0].value
    row = table[(table["指标"] == "十种常用有色金属产量") & (table["期间"] == "2025年")]
    assert float(row["数值"].iloc[0]) == 3.9  # published YoY preferred


def test_explore_widgets_drive_the_view_and_the_url(loaded):
    at = app_test("screens/explore.py", s="nf10_output").run()
    assert at.dataframe[0].value["数值"].iloc[-1] == 8175.0
    at.radio(key="ex_transform").set_value("index").run()
    assert not at.exception
    values = at.dataframe[0].value["数值"]
    assert values.iloc[0] == 100.0  # the first period is the default base
    assert at.query_params["t"] == "index"
    at.multiselect(key="ex_series").select("copper_spot_price_avg").run()
    assert set(at.dataframe[0].value["指标"]) == {"十种常用有色金属产量", "国内铜现货均价"}
    assert "copper_spot_price_avg" in at.query_params["s"]


def test_explore_search_narrows_the_choices(loaded):
    at = app_test("screens/explore.py").run()
    at.text_input(key="ex_search").input("copper").run()
    options = at.multiselect(key="ex_series").options
    assert options and all("铜" in o or "copper" in o.lower() for o in options)


def test_explore_missing_series_in_url_is_reported(loaded):
    at = app_test("screens/explore.py", s="no_such_series,nf10_output").run()
    assert not at.exception
    assert "no_such_series" in texts(at)
    assert at.multiselect(key="ex_series").value == ["nf10_output"]


def test_explore_single_point_series(loaded):
    at = app_test("screens/explore.py", s="gold_domestic_spot_avg").run()
    assert not at.exception
    assert "只有一个观测值" in texts(at)
    assert len(at.get("plotly_chart")) == 1


def test_explore_cumulative_to_single_period_marks_derived(loaded):
    at = app_test("screens/explore.py", s="nf10_output_ytd", t="single", span="auto").run()
    assert not at.exception
    table = at.dataframe[0].value
    q2 = table[table["期间"] == "2023年二季度"]
    assert round(float(q2["数值"].iloc[0]), 1) == 1811.7  # Jan–Jun 3638 minus Jan–Mar 1826.3
    assert bool(q2["推算"].iloc[0])


def test_plant_page_shows_simulated_note_and_charts(with_plant):
    at = app_test("screens/plant.py").run()
    assert not at.exception
    assert "模拟数据" in texts(at)
    assert len(at.get("plotly_chart")) == 2  # weld p-chart (first tab) and gallium recovery
    at.session_state["pl_tab"] = "缺陷帕累托图 · 压降分布"  # the tab with the Pareto and the voltage drop
    at.run()
    assert len(at.get("plotly_chart")) == 3
    at.selectbox(key="pl_robot").set_value("R3").run()
    assert not at.exception
    assert "R3" in texts(at) or any("R3" in str(c.proto) for c in at.get("plotly_chart"))


def test_plant_page_without_plant_data(loaded):
    at = app_test("screens/plant.py").run()
    assert not at.exception
    assert "还没有加载工厂数据" in texts(at)


def test_sources_page_lists_documents_and_version(loaded):
    at = app_test("screens/sources.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["数据仓库版本"] == "1"
    docs = next(d.value for d in at.dataframe if "文件名" in d.value.columns)  # headed in Chinese
    assert "reference_subset.csv" in set(docs["文件名"])


def test_sources_page_runs_a_load_and_the_app_sees_the_new_version(loaded):
    at = app_test("screens/sources.py").run()
    (loaded.inbox / "uploads").mkdir()
    frame = pl.read_csv(loaded.inbox / "reference_subset.csv").filter(pl.col("series_id") == "nf10_output")
    frame.with_columns(value=pl.col("value") + 1).write_csv(loaded.inbox / "uploads" / "revised.csv")
    at.button(key="src_load").click().run()
    assert not at.exception
    assert "版本 2" in texts(at)
    at.run()
    assert {m.label: m.value for m in at.metric}["数据仓库版本"] == "2"


def test_vanished_warehouse_is_a_friendly_message(loaded, request):
    at = app_test().run()
    if isinstance(loaded.db, LakeTarget):  # a lake's catalog database dropped under the app
        dbname = loaded.db.catalog.split("dbname=")[1].split()[0]
        request.getfixturevalue("postgres_server").psql(f'DROP DATABASE "{dbname}" WITH (FORCE)')
    else:
        loaded.db.unlink()
    at.run()
    assert not at.exception
    assert "pulse load" in texts(at)
