"""What a manager reads at a glance and an analyst works in: cumulation lengths, period labels,
ranges, colours, bars for cross-sections (issue 16). Pure builders first, then AppTest per page."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from dashboard import charts, transforms
from tests.dashboard.conftest import app_test


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


def test_overview_ytd_sparkline_is_not_a_zigzag(loaded):
    at = app_test().run()
    assert not at.exception
    # the card's latest figure is Jan–Jun 2024: its sparkline holds the Jan–Jun figures of the
    # cards' three-year window (reference_subset.csv), not Jan–Jun, Jan–Jul, Jan–Sep, … joined
    assert _spark(at, "十种常用有色金属产量(年初至今累计)") == [3254.9, 3283.3, 3638.0, 3900.2]


def _chart(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_explore_level_of_a_ytd_series_draws_a_line_per_length(loaded):
    at = app_test("screens/explore.py", s="nf10_output_ytd").run()
    assert not at.exception
    names = [trace["name"] for trace in _chart(at)["data"]]
    assert all("累计" in n or "全年" in n or n.endswith("1月") for n in names), names
    assert len(names) == len(set(names)) > 1
