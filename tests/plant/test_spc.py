"""Control charts and Western Electric rules on hand-made series with known violations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pytest

LO, HI = 84.6, 86.6
RECOVERY = ([LO, HI] * 10 + [93.0] + [LO, HI] * 2 + [90.5, 85.6, 90.5] + [LO, HI] * 2 + [88.6] * 4 + [LO]
            + [87.0] * 8 + [LO, HI] * 2 + [79.0] + [HI, LO])
T0 = datetime(2025, 1, 1)


def batches(con: duckdb.DuckDBPyConnection, values: list[float]) -> None:
    for k, value in enumerate(values, start=1):
        start = T0 + timedelta(hours=6 * (k - 1))
        con.execute(
            "INSERT INTO plant_gallium_batches VALUES (?, 'a1', 'GA1', ?, ?, ?, 300, 100, ?, false, 'hand')",
            [f"B{k:02d}", start, start + timedelta(hours=5), start.date(), value],
        )


def test_individuals_and_moving_range_limits(bare):
    batches(bare, RECOVERY)
    got = bare.execute("SELECT DISTINCT center_pct, lcl_pct, ucl_pct, mr_ucl FROM v_gallium_ichart").fetchall()
    center = sum(RECOVERY) / 52  # 86.2307692...
    mr_bar = sum(abs(b - a) for a, b in zip(RECOVERY, RECOVERY[1:], strict=False)) / 51  # 2.3215686...
    assert got == [pytest.approx((center, center - 3 * mr_bar / 1.128, center + 3 * mr_bar / 1.128, 3.267 * mr_bar),
                                 rel=1e-12)]
    assert got[0][0] == pytest.approx(86.23076923076921) and got[0][3] == pytest.approx(7.584564705882355)
    first = bare.execute("SELECT mr FROM v_gallium_ichart WHERE batch_id = 'B01'").fetchall()
    assert first == [(None,)]
    flagged = bare.execute("SELECT batch_id FROM v_gallium_ichart WHERE out_of_control ORDER BY 1").fetchall()
    assert flagged == [("B21",), ("B22",), ("B50",), ("B51",)]  # beyond the I limits, or MR above its UCL


def test_western_electric_rules_fire_where_the_series_breaks_them(bare):
    batches(bare, RECOVERY)
    got = bare.execute(
        "SELECT chart, left(rule, 3), subject, period_start FROM v_spc_alerts ORDER BY chart, subject, rule"
    ).fetchall()
    d = T0.date()
    assert got == [
        ("i", "WE1", "B21", d + timedelta(days=5)),  # 93.0: z = +3.29
        ("i", "WE2", "B28", d + timedelta(days=6)),  # 90.5, 85.6, 90.5: two of three beyond +2σ
        ("i", "WE3", "B36", d + timedelta(days=8)),  # 88.6 four times: beyond +1σ
        ("i", "WE4", "B45", d + timedelta(days=11)),  # 87.0 eight times: above the centre
        ("i", "WE1", "B50", d + timedelta(days=12)),  # 79.0: z = -3.51
        ("mr", "WE1", "B22", d + timedelta(days=5)),  # |84.6 - 93.0| = 8.4 > 7.58
        ("mr", "WE1", "B50", d + timedelta(days=12)),
        ("mr", "WE1", "B51", d + timedelta(days=12)),
    ]
    row = bare.execute("SELECT series_id, rule, value, \"limit\", center, detail FROM v_spc_alerts "
                       "WHERE subject = 'B50' AND chart = 'i'").fetchall()
    center = sum(RECOVERY) / 52
    sigma = sum(abs(b - a) for a, b in zip(RECOVERY, RECOVERY[1:], strict=False)) / 51 / 1.128
    assert row == [("plant_ga1_recovery_b", "WE1: 1 point beyond 3σ", 79.0, pytest.approx(center - 3 * sigma),
                    pytest.approx(center),
                    "recovery % 79.0000 is below the 3σ line (80.0564; centre 86.2308, z = -3.51)")]


def weld_days(con: duckdb.DuckDBPyConnection, robot: str, days: list[tuple[int, int]]) -> None:
    for k, (n, failed) in enumerate(days):
        con.execute(
            "INSERT INTO plant_weld_robot_daily (day, plant, line, robot, welds, passed, simulated) "
            "VALUES (?, 's1', 'W1', ?, ?, ?, false)",
            [date(2025, 1, 1) + timedelta(days=k), robot, n, n - failed],
        )


def test_p_chart_limits_use_each_days_own_n(bare):
    weld_days(bare, "R1", [(1000, 1)] * 8 + [(500, 1), (1000, 11)])  # 20 failed of 9,500 welds
    got = bare.execute("SELECT day, n, p_pct, center_pct, lcl_pct, ucl_pct, out_of_control FROM v_weld_pchart "
                       "ORDER BY day").fetchall()
    pbar = 20 / 9500
    ucl = {n: 100 * (pbar + 3 * (pbar * (1 - pbar) / n) ** 0.5) for n in (500, 1000)}
    assert got[0] == (date(2025, 1, 1), 1000, 0.1, pytest.approx(100 * pbar), 0.0, pytest.approx(ucl[1000]), False)
    assert got[8] == (date(2025, 1, 9), 500, 0.2, pytest.approx(100 * pbar), 0.0, pytest.approx(ucl[500]), False)
    assert got[9] == (date(2025, 1, 10), 1000, 1.1, pytest.approx(100 * pbar), 0.0, pytest.approx(ucl[1000]), True)
    assert ucl[500] == pytest.approx(0.8255, abs=1e-4) and ucl[1000] == pytest.approx(0.6454, abs=1e-4)


def test_p_chart_alerts_judge_the_low_side_only_where_the_lcl_is_above_zero(bare):
    weld_days(bare, "R1", [(1000, 1)] * 9 + [(1000, 11)])  # nine low days in a row, but LCL = 0
    weld_days(bare, "R2", [(100_000, 195)] * 9 + [(100_000, 350)])  # LCL > 0: the low run counts
    got = bare.execute("SELECT series_id, left(rule, 3), subject, period_start FROM v_spc_alerts "
                       "WHERE left(rule, 3) IN ('WE1', 'WE4') ORDER BY subject, period_start, rule").fetchall()
    assert got == [
        ("plant_w1_r1_fpy_d", "WE1", "W1/R1", date(2025, 1, 10)),
        ("plant_w1_r2_fpy_d", "WE4", "W1/R2", date(2025, 1, 8)),
        ("plant_w1_r2_fpy_d", "WE4", "W1/R2", date(2025, 1, 9)),
        ("plant_w1_r2_fpy_d", "WE1", "W1/R2", date(2025, 1, 10)),
    ]


def test_a_whole_line_p_chart_has_a_null_robot(bare):
    bare.execute("INSERT INTO plant_weld_line_daily (day, plant, line, welds, passed, simulated) "
                 "VALUES ('2025-01-01', 's1', 'W1', 6000, 5994, false)")
    assert bare.execute("SELECT robot, n, p_pct, center_pct FROM v_weld_pchart").fetchall() == [
        (None, 6000, 0.1, pytest.approx(0.1))]
