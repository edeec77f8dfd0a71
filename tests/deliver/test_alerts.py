"""Alert rules on a real warehouse loaded by the real pipeline; firings recorded once, snoozable,
delivered with a PNG chart card rendered by Chromium."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from dashboard.deliver.alerts import check_and_deliver
from etl import journal
from etl.alerts import RuleError, evaluate, load_rules, snooze
from etl.pipeline import run_load
from etl.settings import load_settings

RULES = """
[[rule]]
name = "nf10_low"
kind = "level"
series = "nf10_output"
below = 610          # 万吨, the display unit

[[rule]]
name = "nf10_yoy_down"
kind = "yoy"
series = ["nf10_output"]
below = -3

[[rule]]
name = "nf10_swing"
kind = "change"
series = "nf10_output"
pct = 5
targets = ["drop"]

[[rule]]
name = "nf10_late"
kind = "stale"
series = "nf10_output"
grace_days = 10

[[rule]]
name = "gallium_we"
kind = "spc"
series = "plant_ga1_recovery_b"
we_rules = ["WE1"]
lookback_days = 3
"""
LONG = "series_id,period_start,period_end,value,unit,change_pct,change_kind\n"
LO, HI = 84.6, 86.6
RECOVERY = [LO, HI] * 10 + [93.0] + [LO, HI] * 10 + [75.0] + [HI, LO]  # 93.0 on Mar 6, 75.0 on Mar 11


def _batches_csv(path: Path) -> None:
    t0, lines = datetime(2025, 3, 1), ["batch_id,plant,line,started_at,ended_at,liquor_m3,gallium_in_kg,"
                                        "gallium_recovered_kg,simulated"]
    for k, pct in enumerate(RECOVERY):
        start = t0 + timedelta(hours=6 * k)
        lines.append(f"GA1-{start:%Y%m%d}-{k % 4 + 1:02d},alumina1,GA1,{start:%Y-%m-%d %H:%M:%S},"
                     f"{start + timedelta(hours=5):%Y-%m-%d %H:%M:%S},300,100,{pct},false")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def alert_settings(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "nf10.csv").write_text(LONG + "nf10_output,2025-06-01,2025-06-30,620,万吨,1.0,yoy\n"
                                    "nf10_output,2025-07-01,2025-07-31,640,万吨,2.0,yoy\n"
                                    "nf10_output,2025-08-01,2025-08-31,600,万吨,-3.5,yoy\n", encoding="utf-8")
    _batches_csv(inbox / "batches.csv")
    (tmp_path / "alerts.toml").write_text(RULES, encoding="utf-8")
    s = load_settings(db=tmp_path / "wh" / "pulse.duckdb", inbox=inbox, quarantine=tmp_path / "q",
                      alerts=tmp_path / "alerts.toml",
                      target=({"name": "drop", "kind": "folder", "path": str(tmp_path / "drop")},))
    assert run_load(s).exit_code == 0
    return s


def _fired(firings) -> list[tuple]:
    return [(f.rule.name, f.series, f.period.isoformat(), f.value, f.new) for f in firings]


def test_each_kind_fires_once_per_rule_and_period(alert_settings):
    rules = load_rules(alert_settings.alerts)
    first = evaluate(alert_settings.db, rules, today=date(2025, 10, 15))
    assert _fired(first) == [
        ("nf10_low", "nf10_output", "2025-08-31", 600.0, True),
        ("nf10_yoy_down", "nf10_output", "2025-08-31", -3.5, True),
        ("nf10_swing", "nf10_output", "2025-08-31", -6.25, True),
        ("nf10_late", "nf10_output", "2025-08-31", None, True),
        # within 3 days of the chart's last batch: 75.0 on Mar 11 (WE1) and its moving range; 93.0 is older
        ("gallium_we", "plant_ga1_recovery_b/i/GA1-20250311-02", "2025-03-11", 75.0, True),
        ("gallium_we", "plant_ga1_recovery_b/mr/GA1-20250311-02", "2025-03-11", pytest.approx(11.6), True),
        ("gallium_we", "plant_ga1_recovery_b/mr/GA1-20250311-03", "2025-03-11", pytest.approx(11.6), True),
    ]
    assert first[2].detail == "十种常用有色金属产量 2025-08-31: 600 万吨, -6.2% vs 2025-07-31 (limit ±5%)"
    assert first[3].detail == ("十种常用有色金属产量: no period after 2025-08-31 (frequency M, 10 grace day(s); "
                               "due by 2025-10-11)")
    again = evaluate(alert_settings.db, rules, today=date(2025, 10, 15))
    assert [f[:4] for f in _fired(again)] == [f[:4] for f in _fired(first)]
    assert not any(f.new for f in again)
    assert len(journal.recent(alert_settings.db, "alert_firings")) == 7


def test_staleness_waits_for_frequency_plus_grace(alert_settings):
    [late] = [r for r in load_rules(alert_settings.alerts) if r.name == "nf10_late"]
    assert evaluate(alert_settings.db, [late], today=date(2025, 10, 11)) == []


def test_a_new_period_fires_a_new_alert_and_a_snoozed_rule_is_recorded_not_delivered(alert_settings):
    first = check_and_deliver(alert_settings, today=date(2025, 9, 20))
    assert [(d.target, d.status) for d in first.deliveries] == [("drop", "sent")]
    [card] = (alert_settings.inbox.parent / "drop").glob("*.png")
    assert card.name == "alert_nf10_swing_nf10_output_2025-08-31.png"
    png = card.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png)).size == (1800, 840)

    snooze(alert_settings.db, "nf10_swing", date(2025, 12, 31))
    (alert_settings.inbox / "nf10_sep.csv").write_text(LONG + "nf10_output,2025-09-01,2025-09-30,650,万吨,,\n",
                                                       encoding="utf-8")
    run_load(alert_settings)
    second = check_and_deliver(alert_settings, today=date(2025, 10, 1))
    assert second.deliveries == []
    assert [line for line in second.lines() if line.startswith("nf10_swing")] == [
        "nf10_swing: 十种常用有色金属产量 2025-09-30: 650 万吨, +8.3% vs 2025-08-31 (limit ±5%) "
        "[snoozed until 2025-12-31]"]
    assert [r["period"] for r in journal.recent(alert_settings.db, "alert_firings", where="rule = 'nf10_swing'")] == [
        "2025-09-30", "2025-08-31"]


@pytest.mark.parametrize(("body", "message"), [
    ('[[rule]]\nname = "x"\nkind = "level"\nseries = "a"\n', r"rule 'x': a level rule needs above and/or below\.$"),
    ('[[rule]]\nname = "x"\nkind = "change"\nseries = "a"\npct = 5\nabove = 1\n',
     r"rule 'x': unknown key\(s\) above for kind change; allowed: direction, kind, name, note, pct, series, targets\.$"),
    ('[[rule]]\nname = "x"\nkind = "trend"\n', r"rule 'x': kind 'trend' is not one of level, yoy, change, stale, spc\.$"),
])
def test_a_bad_rule_is_one_sentence(body, message, tmp_path):
    (tmp_path / "alerts.toml").write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_rules(tmp_path / "alerts.toml")


def test_the_shipped_example_rules_parse_once_uncommented(tmp_path):
    shipped = (Path(__file__).resolve().parents[2] / "data" / "alerts.toml").read_text(encoding="utf-8")
    assert load_rules(Path(__file__).resolve().parents[2] / "data" / "alerts.toml") == []  # all commented out
    (tmp_path / "alerts.toml").write_text("\n".join(line[2:] for line in shipped.splitlines()
                                                    if line.startswith("# ") and not line.startswith("## ")
                                                    and ("=" in line or "[[" in line)), encoding="utf-8")
    assert [(r.name, r.kind) for r in load_rules(tmp_path / "alerts.toml")] == [
        ("copper_price_high", "level"), ("nf10_output_falls", "yoy"), ("aluminium_price_swing", "change"),
        ("nbs_monthly_late", "stale"), ("plant_control", "spc")]


def test_pulse_load_checks_the_alerts_and_a_reload_fires_nothing_again(tmp_path):
    from tests.conftest import run_pulse

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "nf10.csv").write_text(LONG + "nf10_output,2025-07-01,2025-07-31,640,万吨,2.0,yoy\n"
                                    "nf10_output,2025-08-01,2025-08-31,600,万吨,-3.5,yoy\n", encoding="utf-8")
    (tmp_path / "alerts.toml").write_text(RULES.split("[[rule]]\nname = \"nf10_late\"")[0], encoding="utf-8")
    (tmp_path / "pulse.toml").write_text(f"""
db = "{tmp_path / 'wh' / 'pulse.duckdb'}"
inbox = "{inbox}"
quarantine = "{tmp_path / 'q'}"
alerts = "{tmp_path / 'alerts.toml'}"
[[target]]
name = "drop"
kind = "folder"
path = "{tmp_path / 'drop'}"
""", encoding="utf-8")
    env = {"PULSE_CONFIG": str(tmp_path / "pulse.toml")}
    first = run_pulse("load", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "alert nf10_low: 十种常用有色金属产量 2025-08-31: 600 万吨 is below 610 [new]",
        "alert nf10_yoy_down: 十种常用有色金属产量 2025-08-31: -3.5 % YoY is below -3 [new]",
        "alert nf10_swing: 十种常用有色金属产量 2025-08-31: 600 万吨, -6.2% vs 2025-07-31 (limit ±5%) [new]",
        "alert drop: sent",
    ]
    (inbox / "other.csv").write_text(LONG + "copper_spot_price_avg,2025-08-01,2025-08-31,79000,元/吨,,\n",
                                     encoding="utf-8")
    second = run_pulse("load", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout == ""  # the same firings are already recorded: nothing printed, nothing sent
    assert [p.name for p in (tmp_path / "drop").glob("*.png")] == ["alert_nf10_swing_nf10_output_2025-08-31.png"]


def test_alert_messages_are_worded_for_the_reader(alert_settings):
    from dashboard.deliver.alerts import alert_text

    firings = evaluate(alert_settings.db, load_rules(alert_settings.alerts), today=date(2025, 10, 15))
    assert [alert_text(f) for f in firings[:4]] == [
        "十种常用有色金属产量 2025-08-31:600 万吨,低于 610",
        "十种常用有色金属产量 2025-08-31:同比 -3.5%,低于 -3%",
        "十种常用有色金属产量 2025-08-31:600 万吨,较 2025-07-31 变动 -6.2%(阈值 ±5%)",
        "十种常用有色金属产量:2025-08-31 之后没有新数据(频率 M,宽限 10 天,应于 2025-10-11 前发布)",
    ]
    assert alert_text(firings[0], "en") == "十种常用有色金属产量 2025-08-31: 600 万吨, below 610"
    assert alert_text(firings[4]).startswith("GA1-20250311-02 2025-03-11 控制图报警 WE1: 1 point beyond 3σ:")
