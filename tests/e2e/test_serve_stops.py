"""`pulse serve` runs Streamlit as a child: stopping the fixture's process group leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.settings import PROJECT_ROOT
from tests.e2e.conftest import group_alive, stop_group, wait_healthy
from tests.loopback import free_port

pytestmark = pytest.mark.slow


def group_members(pgid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_stopping_pulse_serve_stops_its_streamlit_child(tmp_path):
    port, log = free_port(), tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    with log.open("w") as out:
        process = subprocess.Popen([str(Path(sys.executable).with_name("pulse")), "serve", "--port", str(port),
                                    "--db", str(tmp_path / "wh" / "pulse.duckdb")], stdout=out,
                                   stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
        children = [p for p in group_members(process.pid) if p != process.pid]
        assert children, "pulse serve should run Streamlit as a child process"  # what terminate() alone missed
    finally:
        stop_group(process)
    assert not group_alive(process.pid) and group_members(process.pid) == []
