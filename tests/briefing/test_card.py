"""A chart's PNG download is a card (issue 16): the figure the renderer receives carries the title,
unit, sources, the newest date drawn, the warehouse version and the simulated mark, in the UI
language; the PNG has the card's size and its words as text chunks."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from dashboard import charts, plant_charts
from dashboard.briefing.card import FOOTER, HEADER, card_facts, card_figure, card_png
from dashboard.briefing.export import Renderer
from etl.read import query
from etl.settings import Settings
from tests.briefing.test_as_of_and_sources import loaded_on


def published_at(settings: Settings) -> str:
    value = query(settings.db, "SELECT value FROM warehouse_info WHERE key = 'published_at'").item()
    return str(value)[:16].replace("T", " ")


def weld_pchart(settings: Settings, lang: str):
    frame = query(settings.db, "SELECT * FROM v_weld_yield_chart WHERE line = 'W1' AND robot IS NULL ORDER BY day")
    return plant_charts.pchart(frame, lang, 99.9, title="焊接一次合格率 · W1" if lang == "zh" else "Weld yield · W1")


def series_figure(settings: Settings, lang: str, ids: tuple[str, ...]):
    name = "name_zh" if lang == "zh" else "name_en"
    frame = query(settings.db, f"SELECT series_id, {name} AS label, period_start, period_end, display_value AS value, "  # noqa: S608
                               "display_unit AS unit FROM v_observations WHERE series_id IN (SELECT unnest($ids)) "
                               "ORDER BY series_id, period_end", {"ids": list(ids)})
    return charts.series_chart(frame, lang)


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["<b>焊接一次合格率 · W1</b>", "%", "<b>数据截至 2025年9月30日</b>", "来源:焊接线工厂日志 1 个文件",
            "数据仓库 v1 · 发布于 {at} · Pulse 有色金属指标", "<b>模拟数据 · 仅供演示</b>"]),
    ("en", ["<b>Weld yield · W1</b>", "%", "<b>Data as of 2025-09-30</b>", "Sources: 1 plant log file (welding line)",
            "Warehouse v1 · published {at} · Pulse nonferrous metrics", "<b>SIMULATED DATA · demo only</b>"]),
])
def test_plant_chart_card_says_what_where_when_and_simulated(plant: Settings, lang: str, words: list[str]) -> None:
    fig = weld_pchart(plant, lang)
    facts = card_facts(plant.db, fig, lang, views=("v_weld_yield_chart",))
    page = card_figure(fig, facts, 1200, 480)
    shown = [a.text for a in page.layout.annotations]
    for word in words:
        assert word.format(at=published_at(plant)) in shown
    assert shown.count(words[-1]) == 2  # header badge and footer
    assert page.layout.height == 480 + HEADER + FOOTER


@pytest.mark.parametrize(("lang", "title", "sources"), [
    ("zh", "十种常用有色金属产量、人民币贷款余额(期末)",
     "来源:2025年有色金属工业运行情况 2026-01-20; 参考来源 asianbankingandfinance.net、中国日报亚洲版({loaded} 载入)"),
    ("en", "Output of ten common nonferrous metals, Outstanding RMB loans, end of period",
     "Sources: 2025年有色金属工业运行情况 2026-01-20; reference sources asianbankingandfinance.net, 中国日报亚洲版 "
     "(loaded {loaded})"),
])
def test_series_chart_card_names_its_publishers_and_documents(monthly: Settings, lang: str, title: str,
                                                             sources: str) -> None:
    ids = ("nf10_output", "rmb_loans_balance")
    fig = series_figure(monthly, lang, ids)
    facts = card_facts(monthly.db, fig, lang, series=ids)
    assert (facts.title, facts.as_of, facts.simulated) == (title, date(2025, 12, 31), False)
    assert facts.sources == sources.format(loaded=loaded_on(monthly))
    shown = [a.text for a in card_figure(fig, facts).layout.annotations]
    assert facts.sources in shown and not any("模拟" in s or "SIMULATED" in s for s in shown)


@pytest.mark.browser
def test_card_png_has_the_card_size_and_its_words(plant: Settings, renderer: Renderer) -> None:
    fig = weld_pchart(plant, "zh")
    facts = card_facts(plant.db, fig, "zh", views=("v_weld_yield_chart",))
    img = Image.open(io.BytesIO(card_png(fig, facts, 1200, 480, 2, renderer=renderer)))
    assert img.size == (2400, 2 * (480 + HEADER + FOOTER))
    assert img.text == {"Title": "焊接一次合格率 · W1", "Description": "%", "Source": "来源:焊接线工厂日志 1 个文件",
                        "Data as of": "2025年9月30日", "Warehouse": f"数据仓库 v1 · 发布于 {published_at(plant)}",
                        "Warning": "模拟数据 · 仅供演示"}
    header = img.convert("L").crop((40, 20, 1200, 2 * HEADER - 10))
    assert header.getextrema()[0] < 80  # the title is drawn in dark ink above the plot


def test_card_sources_are_those_of_the_range_drawn(monthly: Settings) -> None:
    """Explore narrowed to 2022: the 2021 figure's publisher is not behind the chart."""
    frame = query(monthly.db, "SELECT series_id, name_zh AS label, period_start, period_end, display_value AS value, "
                              "display_unit AS unit FROM v_observations WHERE series_id = 'copper_spot_price_avg' "
                              "AND period_end BETWEEN DATE '2022-01-01' AND DATE '2022-12-31'")
    fig = charts.series_chart(frame, "zh")
    facts = card_facts(monthly.db, fig, "zh", series=("copper_spot_price_avg",))
    assert facts.as_of == date(2022, 12, 31)
    assert facts.sources == f"来源:参考来源 hnnm.cn({loaded_on(monthly)} 载入)"
