"""A pause point for the kill tests: with PULSE_TEST_PAUSE_AT=<stage>, the load stops at that stage.

It writes the marker file PULSE_TEST_PAUSE_MARKER (the stage name) and sleeps until killed, so a
test can SIGKILL a real `pulse load` at an exact stage. With PULSE_TEST_RELEASE=<file> it goes on
once that file exists instead: a barrier, so the concurrency tests can hold two real loads at the
same stage (both transactions open) and let them commit together. Without the variable this costs
one lookup.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

STAGES = ("scan", "detect", "commit", "telemetry", "derive", "publish", "quarantine")


def pause_at(stage: str) -> None:
    if os.environ.get("PULSE_TEST_PAUSE_AT") != stage:
        return
    marker = os.environ.get("PULSE_TEST_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(stage, encoding="utf-8")
    release = os.environ.get("PULSE_TEST_RELEASE")
    while not (release and Path(release).exists()):  # until the test releases or kills the process
        time.sleep(0.05 if release else 60)
