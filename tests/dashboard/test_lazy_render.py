"""What a page leaves out until asked (issue 16, speed in a browser): tables in closed expanders are
not sent, the raw-weld query waits for its panel, and control limits are drawn from their steps."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import polars as pl
import pytest

from dashboard import data, plant_charts
from dashboard.i18n import series_name
from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT
from tests.dashboard.conftest import app_test


@pytest.fixture
def bundled(settings):
    shutil.copytree(PROJECT_ROOT / "data" / "inbox", settings.inbox, dirs_exist_ok=True)
    assert run_load(settings).count("rejected") == 0
    return settings


def _more_expanders(at) -> list[int]:
    return [int(e.label[1:]) for e in at.expander if e.label.startswith("+")]


def test_overview_more_table_is_sent_only_once_its_expander_is_opened(bundled):
    at = app_test().run()
    assert not at.exception
    hidden = _more_expanders(at)
    assert hidden  # the bundled data has a category with more cards than are shown
    assert len(at.dataframe) == 0  # closed: no table sent (no plant data, so no alerts table either)

    cards = data.overview_cards(bundled.db, data.warehouse_version(bundled.db))
    for category in set(cards.get_column("category").to_list()):
        at.session_state[f"ov_more_{category}"] = True
    at.run()
    assert not at.exception
    in_tables = [name for d in at.dataframe for name in d.value["指标"]]
    on_cards = {m.help.split(" · ")[0] for m in at.metric}  # a card's tooltip starts with its full name
    every = [series_name(r["name_zh"], r["name_en"], "zh") for r in cards.iter_rows(named=True)]
    assert len(in_tables) == sum(hidden)
    assert sorted(in_tables) == sorted(n for n in every if n not in on_cards)


def test_plant_raw_welds_are_queried_and_drawn_only_once_the_drill_down_is_opened(with_plant):
    at = app_test("screens/plant.py").run()
    assert not at.exception
    assert [e.label for e in at.expander] == ["查看某日原始数据"]
    assert not any("焊点编号" in d.value.columns for d in at.dataframe)  # no raw grid
    assert not any(c.value.endswith("条焊接记录") for c in at.caption)  # the query did not run
    at.session_state["pl_drill_open"] = True
    at.run()
    assert not at.exception
    grid = next(d.value for d in at.dataframe if "焊点编号" in d.value.columns)
    count = next(c.value for c in at.caption if c.value.endswith("条焊接记录")).split()[0]
    assert min(int(count.replace(",", "")), 1000) == len(grid)


def _step_value(xs: list, ys: list, at) -> float | None:
    """The value a "hv" step line shows at `at`: the y of the last point at or before it."""
    before = [y for x, y in zip(xs, ys, strict=True) if x <= at]
    return before[-1] if before else None


def test_control_limits_are_sent_as_their_steps_and_draw_the_same_line():
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(30)]
    ucl = [99.9] * 10 + [99.8] * 12 + [99.95] * 8  # limits re-estimated twice
    frame = pl.DataFrame({"day": days, "yield_pct": [99.5 + (i % 5) / 10 for i in range(30)],
                          "center_pct": [99.7] * 30, "lcl_pct": [v - 0.4 for v in ucl], "ucl_pct": ucl,
                          "out_of_control": [False] * 30})
    fig = plant_charts.pchart(frame, "zh", 99.9)
    by_name = {tr.name: tr for tr in fig.data}
    assert [len(by_name[n].x) for n in ("UCL", "LCL", "中心线")] == [4, 4, 2]  # changes + the last day
    for name, col in (("UCL", "ucl_pct"), ("LCL", "lcl_pct"), ("中心线", "center_pct")):
        trace = by_name[name]
        drawn = [_step_value(list(trace.x), list(trace.y), d) for d in days]
        assert drawn == frame.get_column(col).to_list()
    assert len(json.dumps(fig.to_plotly_json(), default=str)) < 6000
