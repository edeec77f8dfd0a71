"""A pause point for the kill tests: with PULSE_TEST_PAUSE_AT=<stage>, the load stops at that stage.

It writes the marker file PULSE_TEST_PAUSE_MARKER (the stage name) and sleeps until killed, so a
test can SIGKILL a real `pulse load` at an exact stage. Without the variable this costs one lookup.
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
    while True:  # until the test kills the process
        time.sleep(60)
