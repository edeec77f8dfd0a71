"""Data gathering and page composition on a real warehouse (no browser needed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from dashboard.briefing import build, load_template
from dashboard.briefing.gather import gather
from etl.pipeline import run_load
from etl.settings import Settings, load_settings
from tests.conftest import ROOT


def texts(fig) -> str:
    return "\n".join(a.text for a in fig.layout.annotations)


def test_latest_is_the_newest_period_shown_and_footer_names_sources(warehouse: Settings) -> None:
    fig, g = build(warehouse.db, load_template("monthly_industry"))
    assert g.as_of == g.observations.get_column("period_end").max()
    shown = texts(fig)
    assert f"数据截至 {g.as_of.year}年{g.as_of.month}月{g.as_of.day}日" in shown
    assert "数据仓库 v1" in shown
    assert "reference_history.csv" not in shown  # publishers and dates, not file names
    assert g.hosts and g.hosts[0] in shown  # the most cited reference publisher
    assert f"({g.loaded_on} 载入)" in shown  # undated reference rows: the day they were loaded
    assert "▲" in shown or "▼" in shown  # KPI tiles carry change arrows


def test_as_of_shows_the_data_as_it_stood(warehouse: Settings) -> None:
    tpl = load_template("monthly_industry").with_overrides(as_of=date(2020, 12, 31), lang="en")
    fig, g = build(warehouse.db, tpl)
    assert g.observations.get_column("period_end").max() <= date(2020, 12, 31)
    assert g.as_of == date(2020, 12, 31)
    shown = texts(fig)
    assert "Data as of 2020-12-31" in shown and "(latest)" not in shown
    assert "No data yet" in shown  # the companies panel says so instead of breaking


def test_plant_panels_without_plant_data_say_so(warehouse: Settings) -> None:
    fig, g = build(warehouse.db, load_template("plant_quality"))
    assert g.queries["weld_pchart"].missing is None and g.queries["weld_pchart"].frame.is_empty()
    shown = texts(fig)
    assert shown.count("暂无工厂数据") == 8  # four tiles and four chart panels say what to load


def test_a_query_naming_a_view_the_warehouse_lacks_says_so(warehouse: Settings, tmp_path: Path) -> None:
    source = (ROOT / "data" / "briefings" / "plant_quality.toml").read_text(encoding="utf-8")
    custom = tmp_path / "custom.toml"
    custom.write_text(source.replace("FROM v_spc_alerts", "FROM v_spc_alerts_next_year"), encoding="utf-8")
    fig, g = build(warehouse.db, load_template(str(custom)))
    assert g.queries["alerts_latest"].missing == "v_spc_alerts_next_year"
    assert "数据尚未加载" in texts(fig) and "v_spc_alerts_next_year" in texts(fig)


def _vintage(inbox: Path, name: str, value: str) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_text(
        "series_id,period_start,period_end,value,unit,change_pct,source_url,source_quote\n"
        f"nf10_output,2024-01-01,2024-12-31,{value},万吨,4.3,https://stats.example.cn/{name},产量{value}万吨\n",
        encoding="utf-8")


def test_a_revision_published_after_the_as_of_date_is_not_shown(tmp_path: Path) -> None:
    settings = load_settings(db=tmp_path / "w" / "pulse.duckdb", inbox=tmp_path / "inbox",
                             quarantine=tmp_path / "q")
    _vintage(settings.inbox, "first.csv", "7919")
    run_load(settings)
    _vintage(settings.inbox, "revised.csv", "7950")
    run_load(settings)
    con = duckdb.connect(str(settings.db))  # test setup: give the two documents publication dates
    con.execute("UPDATE documents SET published = DATE '2025-01-17' WHERE file_name = 'first.csv'")
    con.execute("UPDATE documents SET published = DATE '2025-06-30' WHERE file_name = 'revised.csv'")
    con.close()
    tpl = load_template("monthly_industry")
    value = lambda g: g.observations.filter(pl.col("series_id") == "nf10_output").get_column("value").to_list()  # noqa: E731
    assert value(gather(settings.db, tpl.with_overrides(as_of=date(2025, 3, 31)))) == [7919.0]
    assert value(gather(settings.db, tpl.with_overrides(as_of=date(2025, 7, 31)))) == [7950.0]
    assert value(gather(settings.db, tpl)) == [7950.0]
    # A briefing for the period itself shows the first release, though it came out later.
    assert value(gather(settings.db, tpl.with_overrides(as_of=date(2024, 12, 31)))) == [7919.0]

