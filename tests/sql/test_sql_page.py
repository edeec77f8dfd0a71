"""The SQL page's issue-16 points through AppTest: labels in the chosen language, the time limit as a
choice up to the cap, DATE columns as dates, a saved query reopened from its URL, the quick chart."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.sql.saved import in_lang, load_saved
from tests.sql.conftest import Warehouse
from tests.sql.test_sql_cli_and_page import PAGE, run_on_page

RUNAWAY = "SELECT count(*) FROM range(1000000) a, range(100000) b"
YOY = next(s for s in load_saved() if s.name == "yoy_for_series")


def page(wh: Warehouse, monkeypatch: pytest.MonkeyPatch, lang: str | None = None, **url: str) -> AppTest:
    monkeypatch.setenv("PULSE_DB", str(wh.db))
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in url.items():
        at.query_params[key] = value
    if lang:
        at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_follow_the_language(warehouse: Warehouse, monkeypatch, lang: str) -> None:
    at = page(warehouse, monkeypatch, lang)
    assert [x.value for x in at.title] == [t("sql_title", lang)]
    assert at.button(key="run").label == t("sql_run", lang)
    assert at.selectbox(key="sql_timeout").label == t("sql_time_limit", lang)
    assert at.selectbox(key="example").format_func(at.selectbox(key="example").value) in (
        "最新值" if lang == "zh" else "Latest value of every series",)


def test_time_limit_is_a_choice_up_to_the_cap(warehouse: Warehouse, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_SQL_TIMEOUT_APP", "0.5")
    monkeypatch.setenv("PULSE_SQL_TIMEOUT_CAP", "2")
    at = page(warehouse, monkeypatch)
    box = at.selectbox(key="sql_timeout")
    assert (box.options, box.value) == (["0.5 秒", "1 秒", "2 秒"], 0.5)  # before: the cap was no choice
    box.set_value(2.0).run()
    at = run_on_page(at, RUNAWAY)
    assert [e.value for e in at.error] == [t("sql_refused", message="time limit of 2 s exceeded")]


def test_date_columns_are_shown_as_dates(warehouse: Warehouse, monkeypatch) -> None:
    at = run_on_page(page(warehouse, monkeypatch), "SELECT DATE '2025-09-30' AS d, TIMESTAMP '2025-01-01 10:00' AS ts")
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["d"]["type_config"] == {"type": "date", "format": "YYYY-MM-DD"}
    assert "ts" not in config  # a timestamp keeps its time


def test_saved_query_from_its_url_keeps_labels_and_description(warehouse: Warehouse, monkeypatch) -> None:
    at = page(warehouse, monkeypatch, q=YOY.sql, saved=YOY.name, p_series_id="nf10_output")
    assert at.text_input(key="param_series_id").label == ":series_id — 序列 ID"  # before: ":series_id"
    assert at.text_input(key="param_series_id").value == "nf10_output"
    assert f"**{t('sql_opened', title=in_lang(YOY.title, 'zh'))}**" in [m.value for m in at.markdown]
    assert in_lang(YOY.description, "zh") in [c.value for c in at.caption]
    assert at.selectbox(key="saved_pick").value == YOY.name  # its own description beside the picker too


def test_running_an_opened_saved_query_puts_its_name_in_the_url(warehouse: Warehouse, monkeypatch) -> None:
    at = page(warehouse, monkeypatch)
    at.selectbox(key="saved_pick").set_value(YOY.name).run()
    at.button(key="use_saved").click().run()
    at.button(key="run").click().run()
    assert not at.error
    assert (at.query_params["saved"], at.query_params["p_series_id"]) == (YOY.name, "nf10_output")


def test_quick_chart_of_a_column_named_value(warehouse: Warehouse, monkeypatch) -> None:
    at = run_on_page(page(warehouse, monkeypatch), "SELECT range AS n, range * 2 AS value FROM range(5)")
    assert not at.exception  # before: polars "duplicate column name 'value'"
    assert len(at.get("plotly_chart")) == 1
