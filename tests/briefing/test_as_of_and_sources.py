"""The header's as-of date is the newest data a panel shows, the footer names sources as people
know them, an empty briefing says what to load, legends keep whole names in the page's language
(issue 16). Each warehouse is loaded by the real pipeline from a committed case folder named after
its quirk (tests/cases/briefing/)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from dashboard.briefing import build, load_template
from dashboard.briefing.compose import distinct_fit, legend_rows
from etl.settings import Settings


def texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def loaded_on(settings: Settings) -> str:
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        return str(con.execute("SELECT max(started_at)::DATE FROM loads").fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize(("lang", "header", "day", "footer"), [
    ("zh", "<b>数据截至 2025年9月30日(最新)</b>", "2025年9月30日", "来源:焊接线、提镓线工厂日志 2 个文件"),
    ("en", "<b>Data as of 2025-09-30 (latest)</b>", "30 Sep 2025", "Sources: 2 plant log files (welding line, gallium line)"),
])
def test_plant_briefing_is_as_of_the_last_day_of_data_not_the_last_alert(plant: Settings, lang: str, header: str,
                                                                         day: str, footer: str) -> None:
    fig, g = build(plant.db, load_template("plant_quality").with_overrides(lang=lang))
    shown = texts(fig)
    assert g.as_of == date(2025, 9, 30)
    assert shown.count(header) == 1
    assert shown.count(day) == 3  # the three KPI tiles of the last day / last 30 days end on the 30th
    assert footer in shown
    assert not any("v_weld" in s or "v_spc" in s for s in shown)  # no view names for a reader


@pytest.mark.parametrize(("lang", "header", "copper", "sources"), [
    ("zh", "<b>数据截至 2025年12月31日(最新)</b>", "2022年 · 尚无更新数据",
     "来源:2025年有色金属工业运行情况 2026-01-20; 参考来源 herich.com.cn、asianbankingandfinance.net、"
     "citybank.zgjrw.com、hnnm.cn、中国日报亚洲版({loaded} 载入)"),
    ("en", "<b>Data as of 2025-12-31 (latest)</b>", "2022 · nothing newer loaded",
     "Sources: 2025年有色金属工业运行情况 2026-01-20; reference sources herich.com.cn, asianbankingandfinance.net, "
     "citybank.zgjrw.com, hnnm.cn, 中国日报亚洲版 (loaded {loaded})"),
])
def test_monthly_briefing_is_as_of_the_newest_row_a_panel_shows(monthly: Settings, lang: str, header: str,
                                                                copper: str, sources: str) -> None:
    fig, g = build(monthly.db, load_template("monthly_industry").with_overrides(lang=lang))
    shown = texts(fig)
    assert g.as_of == date(2025, 12, 31)  # loans, end-2025; not the unshown monthly copper row of Feb 2026
    assert shown.count(header) == 1
    assert shown.count(copper) == 1  # the copper tile says its 2022 figure is the newest there is
    assert sources.format(loaded=loaded_on(monthly)) in shown
    assert not any(".txt" in s or ".csv" in s for s in shown)  # the bulletin by its title, not its file name


@pytest.mark.parametrize(("lang", "header", "panel", "tile"), [
    ("zh", "<b>尚无数据 · 运行 pulse load 加载数据后再生成</b>",
     ["<b>暂无工厂数据</b>", "把工厂日志放入 inbox/plant 后运行 pulse load", "演示数据:pulse simulate --days 30,再运行 pulse load"],
     "暂无工厂数据 · 运行 pulse load"),
    ("en", "<b>No data yet · run pulse load, then render again</b>",
     ["<b>No plant data yet</b>", "Put the plant logs in inbox/plant and run pulse load",
      "Demo data: pulse simulate --days 30, then pulse load"],
     "No plant data · run pulse load"),
])
def test_plant_briefing_without_plant_data_says_what_to_load(monthly: Settings, lang: str, header: str,
                                                            panel: list[str], tile: str) -> None:
    fig, g = build(monthly.db, load_template("plant_quality").with_overrides(lang=lang))
    shown = texts(fig)
    assert not any("9999" in s for s in shown)
    assert shown.count(header) == 1
    for line in panel:  # each of the four chart panels
        assert shown.count(line) == 4
    assert shown.count(tile) == 4  # every tile, the alert count too: not "0 alerts" when nothing is loaded
    assert "<b>0</b>" not in shown


def test_english_legends_keep_whole_catalog_names(monthly: Settings) -> None:
    fig, _ = build(monthly.db, load_template("monthly_industry").with_overrides(lang="en"))
    names = [t.name for t in fig.data if t.name and t.showlegend is not False]
    innovation = [n for n in names if "nnovation" in n]
    assert innovation == ["China innovation index", "Innovation effect sub-index", "Innovation environment sub-index",
                          "Innovation input sub-index", "Innovation output sub-index"]
    assert not any(n.endswith("…") for n in names)
    legends = {t.legend for t in fig.data if t.name in innovation}
    assert len(legends) == 3  # rows inside the card (2 + 2 + 1), not one row running into the next card


def test_squeezed_legend_names_stay_distinct() -> None:
    names = ["Innovation environment sub-index", "Innovation input sub-index", "Innovation output sub-index",
             "Innovation effect sub-index"]
    assert distinct_fit(names, 160, 12) == ["…environment sub-index", "…input sub-index", "…output sub-index",
                                            "…effect sub-index"]
    rows = legend_rows(names * 3, 400)
    flat = [n for row in rows for n in row]
    assert len(rows) <= 4 and len(set(flat)) == 4 and not any(n.startswith("Innovation …") for n in flat)


def test_english_company_bars_are_named_on_level_wrapped_lines(monthly: Settings) -> None:
    fig, _ = build(monthly.db, load_template("monthly_industry").with_overrides(lang="en"))
    bars = [t for t in fig.data if t.type == "bar"]
    assert [x for t in bars for x in t.x] == ["Chihong Zinc<br>&amp; Germanium,<br>revenue,<br>year-to-date",
                                             "Yunnan Copper,<br>revenue,<br>year-to-date"]
    assert fig.layout[f"xaxis{bars[0].xaxis[1:]}"].tickangle == 0  # level, not rotated below the card


@pytest.mark.parametrize(("lang", "header", "stood"), [
    ("zh", "<b>数据截至 2025年9月30日</b>", "按 2025年10月15日 的数据状态 · 数据仓库 v1 · 发布于 "),
    ("en", "<b>Data as of 2025-09-30</b>", "as it stood on 2025-10-15 · Warehouse v1 · published "),
])
def test_a_requested_date_after_the_data_prints_the_newest_day_shown(plant: Settings, lang: str, header: str,
                                                                     stood: str) -> None:
    fig, g = build(plant.db, load_template("plant_quality").with_overrides(lang=lang, as_of=date(2025, 10, 15)))
    shown = texts(fig)
    assert g.shown_until == date(2025, 9, 30)
    assert shown.count(header) == 1
    assert sum(s.startswith(stood) for s in shown) == 1
