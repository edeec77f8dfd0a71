"""Overview cards over the bundled data (data/inbox through the real pipeline): published changes
first, one card per family led by its freshest figure, stale marks, provenance in the tooltip."""

from __future__ import annotations

import shutil
from datetime import date

import polars as pl
import pytest

from dashboard import data
from etl.pipeline import run_load
from etl.read import query
from etl.settings import PROJECT_ROOT
from tests.dashboard.conftest import app_test

TODAY = date(2026, 1, 15)


@pytest.fixture
def bundled(settings):
    shutil.copytree(PROJECT_ROOT / "data" / "inbox", settings.inbox, dirs_exist_ok=True)
    assert run_load(settings).count("rejected") == 0
    return settings


def cards(settings) -> pl.DataFrame:
    return data.overview_cards(settings.db, data.warehouse_version(settings.db), TODAY)


def test_innovation_index_cards_show_the_published_changes(bundled):
    got = (cards(bundled).filter(pl.col("series_id").str.ends_with("_2015base")).sort("series_id")
           .select("series_id", "value", "change", "change_computed").rows())
    assert got == [("cii_2015base", 174.2, 5.3, False), ("cii_effect_2015base", 132.4, 1.9, False),
                   ("cii_env_2015base", 186.0, 4.9, False), ("cii_input_2015base", 162.6, 5.1, False),
                   ("cii_output_2015base", 215.8, 8.1, False)]
    at = app_test().run()
    assert not at.exception
    metric = {m.label: m for m in at.metric}["中国创新指数"]  # the card's short name (catalog short_zh)
    assert metric.delta == "+5.3% 同比 (公布)"
    assert metric.help.startswith("中国创新指数(2015=100) · 来源:中国铝业报社 · 2025-11-01 · https://www.chinalco.com.cn")


def test_no_card_shows_a_computed_change_where_a_published_one_exists(bundled):
    published = query(bundled.db, """SELECT series_id, period_start, period_end, change_pct FROM v_observations
        WHERE change_kind = 'yoy' AND change_pct IS NOT NULL AND unit NOT IN ('%', 'pp')""")
    joined = cards(bundled).join(published, on=["series_id", "period_start", "period_end"], how="inner")
    assert joined.height >= 20  # most bundled cards carry a published YoY
    wrong = joined.filter(pl.col("change_computed") | (pl.col("change") != pl.col("change_pct")))
    assert wrong.select("series_id", "change", "change_pct").rows() == []


def test_the_freshest_figure_of_a_family_leads(bundled):
    price = cards(bundled).filter(pl.col("family").is_in(["copper_spot_price_avg", "aluminium_spot_price_avg"])
                                  | pl.col("series_id").is_in(["copper_spot_price_avg", "aluminium_spot_price_avg"]))
    assert price.sort("series_id").select("series_id", "period_start", "period_end", "stale").rows() == [
        ("aluminium_spot_price_avg_ytd", date(2025, 1, 1), date(2025, 9, 30), False),
        ("copper_spot_price_avg_ytd", date(2025, 1, 1), date(2025, 9, 30), False),
    ]


@pytest.mark.parametrize(("series_id", "annual_limit", "stale"), [
    ("gold_sge_au9999_avg", "15", True),      # 2022 annual, 36 months before TODAY
    ("gold_sge_au9999_avg", "40", False),     # a longer allowance from the setting
    ("nf10_output", "15", False),             # 2025 annual
    ("copper_shfe_month_avg", "15", True),    # Feb 2022 monthly, > 3 months
])
def test_a_figure_older_than_its_frequency_allows_is_marked_stale(bundled, monkeypatch, series_id, annual_limit,
                                                                 stale):
    monkeypatch.setenv("PULSE_STALE_MONTHS_ANNUAL", annual_limit)
    data.overview_cards.clear()
    got = cards(bundled).filter(pl.col("series_id") == series_id).get_column("stale").to_list()
    assert got == [stale]


def test_explore_yoy_table_says_published_or_computed(bundled):
    at = app_test("screens/explore.py", s="cii_2015base", t="yoy").run()
    assert not at.exception
    table = at.dataframe[0].value
    rows = list(zip(table["数值"], table["同比"], table["发布机构"], strict=True))
    assert rows[-1] == (5.3, "公布", "中国铝业报社")  # 2024: the published change, from the dated bulletin
    assert "reference_history.csv" not in set(table["发布机构"])


def _published_and_reference(settings) -> tuple[pl.DataFrame, pl.DataFrame]:
    version = data.warehouse_version(settings.db)
    assert "card_facts" in data.relations(settings.db, version)  # built by the publish
    return cards(settings), data.headline_order(data.computed_cards(settings.db, TODAY))


def test_cards_built_at_publish_equal_the_polars_computation(bundled):
    from polars.testing import assert_frame_equal

    published, reference = _published_and_reference(bundled)
    assert published.height == reference.height == 36  # one card per family
    assert_frame_equal(published, reference)


def test_cards_built_at_publish_equal_the_polars_computation_with_plant_series(with_plant):
    from polars.testing import assert_frame_equal

    published, reference = _published_and_reference(with_plant)
    assert published.filter(pl.col("series_id").str.starts_with("plant_")).height > 0
    assert_frame_equal(published, reference)
