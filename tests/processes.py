"""Stopping a server started by a test: its whole process group, SIGKILL after a grace time."""

from __future__ import annotations

import os
import signal
import subprocess
import time


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(process: subprocess.Popen, grace_s: float = 15) -> None:
    """SIGTERM the whole process group (pulse serve and Streamlit), SIGKILL what is left after grace_s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + grace_s
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if group_alive(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace_s)
        while group_alive(process.pid) and time.monotonic() < deadline + grace_s:
            time.sleep(0.1)
