"""`pulse schedule run` in a real subprocess: fetch -> load -> brief -> deliver on a seconds schedule,
twice, then a clean stop on SIGTERM; and the catch-up rule for runs missed while it was down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from io import BytesIO

import pytest
from PIL import Image

from dashboard.deliver.scheduler import Runner, ScheduleError, first_due, parse_schedules
from etl import journal
from etl.settings import load_settings
from tests.conftest import ROOT, run_pulse
from tests.fetch.conftest import DEFAULTS, QUERY, write_sources

TEMPLATE = """title = "有色金属快报"
width = 800
scale = 1
columns = 2

[[panels]]
type = "kpi"
series = "nf10_output"
period = "M"

[[panels]]
type = "chart"
series = ["nf10_output"]
period = "M"
span = 1
"""


def _config(tmp_path, site, smtp_port: int) -> dict[str, str]:
    sources = write_sources(tmp_path / "sources.toml", site, DEFAULTS + QUERY)
    (tmp_path / "flash.toml").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "pulse.toml").write_text(f"""
db = "{tmp_path / 'wh' / 'pulse.duckdb'}"
inbox = "{tmp_path / 'inbox'}"
quarantine = "{tmp_path / 'q'}"
sources = "{sources}"
alerts = "{tmp_path / 'no-alerts.toml'}"

[[schedule]]
name = "every4s"
cron = "* * * * * */4"
jobs = ["fetch", "load", "brief"]
template = "{tmp_path / 'flash.toml'}"
targets = ["mail"]

[[target]]
name = "mail"
kind = "smtp"
host = "127.0.0.1"
port = {smtp_port}
from = "pulse@plant.local"
to = ["ops@plant.local"]
""", encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    return {"PULSE_CONFIG": str(tmp_path / "pulse.toml")}


@pytest.mark.slow
def test_schedule_run_fetches_loads_briefs_and_delivers_twice_then_stops_on_sigterm(site, smtp, tmp_path):
    controller, box = smtp
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PULSE_")},
           **_config(tmp_path, site, controller.port)}
    listed = run_pulse("schedule", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0] == "every4s: cron '* * * * * */4', jobs fetch → load → brief; last run never"
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "schedule", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 240  # a bound, not an assertion: two runs need ~10 s
        while len(box.messages) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err
    assert out.splitlines()[-1].endswith("schedule runner stopped")
    assert len(box.messages) >= 2
    for _, rcpt, raw in box.messages[:2]:
        mail = message_from_bytes(raw, policy=policy.default)
        assert rcpt == ["ops@plant.local"]
        assert mail["Subject"] == "有色金属快报 (2025-09-30)"
        [png] = [p.get_content() for p in mail.walk() if p.get_content_disposition() == "attachment"]
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert Image.open(BytesIO(png)).width == 800
    db = tmp_path / "wh" / "pulse.duckdb"
    runs = list(reversed(journal.recent(db, "schedule_runs")))
    assert [(r["job"], r["status"]) for r in runs[:6]] == [("fetch", "ok"), ("load", "ok"), ("brief", "ok")] * 2
    fetched = [(r["status"], r["http_status"]) for r in reversed(journal.recent(db, "fetches"))]
    assert fetched[:2] == [("saved", 200), ("unchanged", 304)]  # the second run downloaded nothing


def test_a_run_missed_while_down_is_caught_up_once(settings):
    [hourly] = parse_schedules([{"name": "hourly", "cron": "0 * * * *", "jobs": ["alerts"]}])
    now = datetime(2025, 10, 1, 12, 30)
    assert first_due(settings.db, hourly, now) == datetime(2025, 10, 1, 13, 0)  # never ran: wait for the slot
    journal.record(settings.db, "schedule_runs", schedule="hourly", due="2025-10-01T09:00:00", job="alerts",
                   status="ok")
    calls = []
    clock = iter([now, now, now, now + timedelta(seconds=1), now + timedelta(seconds=1)])
    runner = Runner(settings, [hourly], lambda job, s: calls.append(job) or runner.stop.set(), lambda line: None,
                    now=lambda: next(clock))
    runner.run()
    assert calls == ["alerts"]  # three slots (10:00, 11:00, 12:00) were missed: one run stands for them
    [latest] = journal.recent(settings.db, "schedule_runs", 1)
    assert latest["due"] == "2025-10-01T12:00:00"


@pytest.mark.parametrize(("entry", "message"), [
    ({"name": "x", "cron": "every day", "jobs": ["load"]}, r"schedule 'x': cron 'every day' is not a cron expression"),
    ({"name": "x", "cron": "0 8 * * *", "jobs": ["load", "mail"]}, r"jobs must be some of fetch, load, brief, alerts"),
    ({"name": "x", "cron": "0 8 * * *", "jobs": ["brief"]}, r"schedule 'x': a brief job needs template and targets\.$"),
])
def test_a_bad_schedule_is_one_sentence(entry, message):
    with pytest.raises(ScheduleError, match=message):
        parse_schedules([entry])


def test_settings_take_schedule_and_target_tables(tmp_path):
    (tmp_path / "pulse.toml").write_text('[[schedule]]\nname = "a"\ncron = "0 8 * * *"\njobs = ["load"]\n'
                                         '[[target]]\nname = "d"\nkind = "folder"\npath = "/x"\n', encoding="utf-8")
    s = load_settings(tmp_path / "pulse.toml")
    assert (s.schedule, s.target) == (({"name": "a", "cron": "0 8 * * *", "jobs": ["load"]},),
                                      ({"name": "d", "kind": "folder", "path": "/x"},))
