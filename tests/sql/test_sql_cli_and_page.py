"""The hostile table through the real `pulse sql` process and through the page (AppTest)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from tests.conftest import ROOT, run_pulse
from tests.sql.conftest import Warehouse
from tests.sql.hostile import CASES, Case, case_ids

PAGE = str(ROOT / "dashboard" / "screens" / "sql.py")
SCHEMA_HEADERS = [[t("sql_col_relation"), t("sql_col_kind"), t("sql_col_description")],
                  [t("sql_col_relation"), t("sql_col_column"), t("sql_col_type"), t("sql_col_description")]]


def pulse_sql(wh: Warehouse, sql: str, *args: str) -> tuple[int, str, str]:
    if len(sql) > 100_000:  # one argv string is capped at 128 KiB by Linux: pass it as a file
        path = wh.secret.parent / "long.sql"
        path.write_text(sql, encoding="utf-8")
        proc = run_pulse("sql", "--file", str(path), "--db", str(wh.db), *args)
    else:
        proc = run_pulse("sql", sql, "--db", str(wh.db), *args)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_cli_refuses_hostile_statement(warehouse: Warehouse, case: Case) -> None:
    before, files = warehouse.digest(), warehouse.files() | {warehouse.secret.parent / "long.sql"}
    code, out, err = pulse_sql(warehouse, case.render(warehouse))
    assert (code, out, err) == (1, "", f"Error: {case.message}\n")
    assert warehouse.digest() == before
    assert warehouse.files() | {warehouse.secret.parent / "long.sql"} == files


def page(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PULSE_DB", str(wh.db))
    return AppTest.from_file(PAGE, default_timeout=60).run()


def run_on_page(at: AppTest, sql: str, **params: str) -> AppTest:
    at.text_area(key="sql_text").set_value(sql).run()
    for name, value in params.items():
        at.text_input(key=f"param_{name}").set_value(value)
    return at.button(key="run").click().run()


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_page_refuses_hostile_statement(warehouse: Warehouse, case: Case,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    before, files = warehouse.digest(), warehouse.files()
    at = run_on_page(page(warehouse, monkeypatch), case.render(warehouse))
    assert not at.exception
    assert [e.value for e in at.error] == [t("sql_refused", message=case.message)]
    assert all(list(d.value.columns) in SCHEMA_HEADERS for d in at.dataframe)  # schema only
    assert warehouse.digest() == before
    assert warehouse.files() == files


def test_cli_prints_table_csv_json_and_truncation(warehouse: Warehouse) -> None:
    code, out, err = pulse_sql(warehouse, "SELECT range AS n FROM range(5)", "--format", "csv", "--max-rows", "3")
    assert (code, list(csv.reader(io.StringIO(out)))) == (0, [["n"], ["0"], ["1"], ["2"]])
    assert "only the first 3 rows are shown" in err
    code, out, err = pulse_sql(warehouse, "SELECT :s AS s", "--format", "json", "-p", "s=铝")
    assert (code, json.loads(out)) == (0, [{"s": "铝"}])
    code, out, err = pulse_sql(warehouse, "SELECT series_id FROM v_latest ORDER BY 1 LIMIT 1")
    assert code == 0 and "series_id" in out and err.startswith("1 row in ")


def test_cli_file_option_runs_a_saved_query(warehouse: Warehouse) -> None:
    proc = run_pulse("sql", "--file", str(ROOT / "data" / "queries" / "series_history.sql"),
                     "--db", str(warehouse.db), "-p", "series_id=nf10_output", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["period_end"] == "2024-12-31"


def test_cli_timeout_flag_stops_a_runaway_query(warehouse: Warehouse) -> None:
    code, out, err = pulse_sql(warehouse, "SELECT count(*) FROM range(1000000) a, range(100000) b",
                               "--timeout", "0.5")
    assert (code, out, err) == (1, "", "Error: time limit of 0.5 s exceeded\n")


def test_cli_syntax_error_is_one_line_exit_1(warehouse: Warehouse) -> None:
    code, out, err = pulse_sql(warehouse, "SELEC 1")
    assert (code, err) == (1, 'Error: Parser Error: syntax error at or near "SELEC"\n')


def test_page_runs_a_query_and_puts_it_in_the_url(warehouse: Warehouse, monkeypatch) -> None:
    at = run_on_page(page(warehouse, monkeypatch), "SELECT range AS n, range * 2 AS m FROM range(1500)")
    assert not at.exception and not at.error
    assert at.dataframe[0].value.shape == (1000, 2)
    assert [w.value for w in at.warning] == [t("sql_truncated", n="1,000")]
    assert any(c.value.startswith("1,000 行 · ") for c in at.caption)
    assert at.query_params["q"] == "SELECT range AS n, range * 2 AS m FROM range(1500)"
    assert at.button(key="prepare_download")


def test_page_link_fills_the_query_and_its_params_and_runs_on_click(warehouse: Warehouse, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_DB", str(warehouse.db))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["q"] = "SELECT series_id FROM v_observations WHERE series_id = :sid LIMIT 1"
    at.query_params["p_sid"] = "nf10_output"
    at.run()
    assert not at.exception and not at.error
    assert at.text_input(key="param_sid").value == "nf10_output"
    assert "result" not in at.session_state  # a link never runs by itself
    at.button(key="run").click().run()
    assert at.dataframe[0].value["series_id"].to_list() == ["nf10_output"]


def test_page_saved_query_params_become_fields(warehouse: Warehouse, monkeypatch) -> None:
    at = page(warehouse, monkeypatch)
    at.selectbox(key="saved_pick").set_value("yoy_for_series").run()
    at.button(key="use_saved").click().run()
    assert at.text_input(key="param_series_id").value == "nf10_output"
    at.button(key="run").click().run()
    assert not at.error and at.dataframe[0].value.shape[0] >= 1


def test_page_time_limit_message(warehouse: Warehouse, monkeypatch) -> None:
    at = run_on_page(page(warehouse, monkeypatch), "SELECT count(*) FROM range(1000000) a, range(100000) b")
    assert [e.value for e in at.error] == [t("sql_refused", message="time limit of 1 s exceeded")]


def test_page_schema_browser_shows_dictionary_descriptions(warehouse: Warehouse, monkeypatch) -> None:
    at = page(warehouse, monkeypatch)
    relations, columns = (d.value for d in at.dataframe)
    assert relations.set_index("名称").loc["v_observations", "种类"] == "视图"
    assert columns.set_index(["名称", "列"]).loc[("v_observations", "series_id"), "说明"] == \
        "catalog id, e.g. `nf10_output_ytd`"


def test_page_quick_chart_draws(warehouse: Warehouse, monkeypatch) -> None:
    at = run_on_page(page(warehouse, monkeypatch), "SELECT range AS n, range * 2 AS m FROM range(10)")
    assert at.selectbox(key="chart_x").value == "n"
    assert at.multiselect(key="chart_y").value == ["m"]
    assert len(at.get("plotly_chart")) == 1




def test_page_runs_inside_the_app_navigation(warehouse: Warehouse, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_DB", str(warehouse.db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    at.switch_page("screens/sql.py").run()
    at = run_on_page(at, "SELECT 42 AS x")
    assert not at.exception and not at.error
    assert at.dataframe[0].value["x"].to_list() == [42]
