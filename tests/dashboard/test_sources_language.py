"""The Sources page and the period pickers in the reader's language (issue 16): table headers and
the cell values that are words, the reasons a vintage is held, the data dictionary, no calendar."""

from __future__ import annotations

import re

import polars as pl
import pytest

from dashboard.i18n import TEXT, format_day, format_period
from dashboard.loading import DICTIONARY
from etl.read import query
from tests.dashboard.conftest import app_test, texts
from tests.dashboard.test_language_walk import foreign, visible
from tests.dashboard.test_review_page import held  # noqa: F401 - the bundled inbox plus a held figure

# Sentences etl/holds.py writes, as found in real loads of the bundled data and the review case.
HOLD_REASONS = [
    ("conflicts with the current value 165.3 (驻马店日报): +2.84 % (tolerance 0.5 %)",
     "与当前值 165.3(驻马店日报)冲突:+2.84 %(容差 0.5 %)"),
    ("published YoY +10.4 % implies 2016 = 184.4, stored 172: +7.22 % (tolerance 2 %)",
     "公布同比 +10.4% 推算 2016 年为 184.4,已存值为 172:相差 +7.22 %(容差 2 %)"),
    ("1.2e+04万吨 lies outside 10× the series' history (3万吨 .. 40万吨)",
     "1.2e+04万吨 超出该指标历史范围的 10 倍(3万吨 至 40万吨)"),
    ("a reason no rule words", "a reason no rule words"),  # unknown: shown as written, never dropped
]


@pytest.mark.parametrize(("reason", "chinese"), HOLD_REASONS)
def test_a_hold_reason_reads_in_chinese_and_stays_as_written_in_english(reason, chinese):
    from dashboard.table_text import hold_reason_text

    assert hold_reason_text(reason, "zh") == chinese
    assert hold_reason_text(reason, "en") == reason


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sources_page_with_a_held_figure_reads_in_one_language(held, lang):  # noqa: F811
    at = app_test("screens/sources.py", lang=lang).run()
    assert not at.exception
    # publishers are named as the source names itself (驻马店日报): data, taken from the warehouse
    publishers = query(held[0].db, "SELECT DISTINCT publisher FROM documents WHERE publisher IS NOT NULL UNION "
                                   "SELECT DISTINCT publisher FROM observations WHERE publisher IS NOT NULL")
    shown = visible(at)
    for name in publishers.get_column("publisher").to_list():
        shown = [text.replace(name, "") for text in shown]
    assert foreign(shown, lang) == []
    reason = "与当前值 165.3(驻马店日报)冲突:+2.84 %(容差 0.5 %)" if lang == "zh" else \
        "conflicts with the current value 165.3 (驻马店日报): +2.84 % (tolerance 0.5 %)"
    assert reason in texts(at)
    # the change-check table: one name column in the reader's language, headed in it
    [check] = [d.value for d in at.dataframe if ("公布同比 %" if lang == "zh" else "Published YoY %") in d.value.columns]
    name = check.columns[0]
    assert name == ("指标名称" if lang == "zh" else "Series name")
    ids = check["指标编号" if lang == "zh" else "Series ID"].tolist()
    names = dict(query(held[0].db, "SELECT series_id, name_zh, name_en FROM series").select(
        "series_id", "name_zh" if lang == "zh" else "name_en").iter_rows())
    assert check[name].tolist() == [names[i] for i in ids]


@pytest.mark.parametrize(("lang", "status", "words"), [("zh", "状态", {"已加载", "已跳过"}),
                                                      ("en", "Status", {"loaded", "skipped"})])
def test_a_load_from_the_page_lists_its_files_headed_and_worded_in_the_language(loaded, lang, status, words):
    (loaded.inbox / "uploads").mkdir()
    frame = pl.read_csv(loaded.inbox / "reference_subset.csv").filter(pl.col("series_id") == "nf10_output")
    frame.with_columns(value=pl.col("value") + 1).write_csv(loaded.inbox / "uploads" / "revised.csv")
    at = app_test("screens/sources.py", lang=lang).run()
    at.button(key="src_load").click().run()
    assert not at.exception
    [outcomes] = [d.value for d in at.dataframe if status in d.value.columns]
    assert set(outcomes[status].tolist()) == words  # revised.csv loaded, the subset skipped
    assert foreign(visible(at), lang) == []


def test_the_chinese_data_dictionary_summarises_every_view_of_the_document(loaded):
    views = re.findall(r"^## (v_\w+)", DICTIONARY.read_text(encoding="utf-8"), flags=re.M)
    assert views and [v for v in views if f"dict.{v}" not in TEXT] == []
    at = app_test("screens/sources.py", lang="zh").run()
    [table] = [d.value for d in at.dataframe if "视图" in d.value.columns]
    assert table["视图"].tolist() == views
    assert [b.proto.label for b in at.get("download_button")] == ["下载完整数据字典(英文原文)"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plant_drill_down_offers_the_days_that_have_data_not_a_calendar(with_plant, lang):
    at = app_test("screens/plant.py", lang=lang)
    at.session_state["pl_drill_open"] = True
    at.run()
    assert not at.exception
    assert len(at.date_input) == 0
    days = query(with_plant.db, "SELECT DISTINCT day FROM v_weld_daily ORDER BY day DESC").get_column("day").to_list()
    picker = at.selectbox(key="pl_day")
    assert picker.options == [format_day(d, lang) for d in days]
    assert picker.value == days[0]  # the newest day, as the calendar's default was


def test_the_briefing_as_of_picker_offers_month_ends_of_the_data(loaded):
    at = app_test("screens/briefing.py", lang="zh").run()
    at.radio[0].set_value("指定日期").run()
    assert not at.exception
    assert len(at.date_input) == 0
    ends = query(loaded.db, "SELECT DISTINCT period_end FROM v_observations WHERE period_end = last_day(period_end) "
                            "ORDER BY period_end DESC").get_column("period_end").to_list()
    [picker] = [s for s in at.selectbox if s.label == "指定日期"]
    assert picker.options == [format_period(d, d, "zh") for d in ends]


@pytest.fixture
def bundled(settings):
    """The bundled inbox (reference history and a bulletin naming five companies), loaded."""
    import shutil

    from etl.pipeline import run_load
    from etl.settings import PROJECT_ROOT

    shutil.copytree(PROJECT_ROOT / "data" / "inbox", settings.inbox, dirs_exist_ok=True)
    run_load(settings)
    return settings


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_companies_are_named_as_they_name_themselves_in_english(bundled, lang):
    from etl.catalog import load_catalog

    at = app_test("screens/explore.py", lang=lang, s="co_yunlv_revenue_ytd")
    at.run()
    assert not at.exception
    subjects = query(bundled.db, "SELECT DISTINCT subject FROM v_observations WHERE category = 'company' "
                                 "ORDER BY subject").get_column("subject").to_list()
    english = load_catalog(bundled.catalog).subjects_en
    picker = at.multiselect(key="ex_companies")
    assert picker.options == [english[s][1] if lang == "en" else s for s in subjects]
    assert foreign(visible(at), lang) == []


def test_every_subject_written_in_chinese_has_an_english_name_in_the_catalog():
    from etl.catalog import load_catalog
    from etl.settings import PROJECT_ROOT

    catalog = load_catalog(PROJECT_ROOT / "data" / "catalog.toml")
    chinese = {s.subject for s in catalog.series.values() if re.search(r"[\u3400-\u9fff]", s.subject)}
    assert chinese and sorted(chinese - set(catalog.subjects_en)) == []


def test_a_subject_without_an_english_name_is_a_catalog_error(tmp_path):
    from etl.catalog import CatalogError, load_catalog

    path = tmp_path / "catalog.toml"
    path.write_text('[subjects]\n"云铝股份" = { short_en = "Yunnan Aluminium" }\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"subject '云铝股份' needs an English name: \"云铝股份\" = \{ en = \"...\" \}\.$"):
        load_catalog(path)


@pytest.mark.parametrize(("lang", "column", "unit"), [("zh", "单位", "亿元"), ("en", "Unit", "100m CNY")])
def test_the_explore_table_gives_units_in_the_language(bundled, lang, column, unit):
    at = app_test("screens/explore.py", lang=lang, s="co_yunlv_revenue_ytd")
    at.run()
    assert not at.exception
    [table] = [d.value for d in at.dataframe if column in d.value.columns]
    assert set(table[column].tolist()) == {unit}  # the series' display unit is 亿元


def test_no_table_on_the_sources_page_prints_none_or_microseconds(held):  # noqa: F811
    at = app_test("screens/sources.py", lang="zh").run()
    assert not at.exception
    for table in (d.value for d in at.dataframe):
        text = table.select_dtypes(include=["object", "str"])
        assert not text.isna().any().any(), list(table.columns)  # the grid would print "None"
        times = [v for v in text.to_numpy().ravel() if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+.*", str(v))]
        assert times == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_two_columns_are_headed_alike(lang):
    """Two raw columns of one table under one heading would stop the page (polars: duplicate column)."""
    from dashboard.i18n import t

    labels = [t(key, lang) for key in TEXT if key.startswith("col.")]
    assert sorted({x for x in labels if labels.count(x) > 1}) == []
