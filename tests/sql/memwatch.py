"""Peak memory of a process tree, measured from outside (the tests' own measurement, not the worker's).

Every few milliseconds a thread reads /proc/<pid>/status of every descendant of a root process and
keeps each one's VmHWM (its peak RSS). A process past `kill_above` bytes is SIGKILLed and recorded,
so a test against a broken limit fails without taking the machine down.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

_PROC = Path("/proc")


def status_kb(pid: int, field: str) -> int:
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_bytes(pid: int | None = None) -> int:
    return status_kb(pid or os.getpid(), "VmRSS") * 1024


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(root: int) -> list[int]:
    tree, out, todo = _children(), [], [root]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class TreeWatch:
    """Peak RSS of `root` and every process below it while the `with` block runs."""

    def __init__(self, root: int, kill_above: int = 4 * 10**9, every_s: float = 0.005) -> None:
        self.root, self.kill_above, self.every_s = root, kill_above, every_s
        self.peaks: dict[int, int] = {}
        self.killed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for pid in [self.root, *descendants(self.root)]:
                peak = status_kb(pid, "VmHWM") * 1024
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
                if status_kb(pid, "VmRSS") * 1024 > self.kill_above:
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(pid)
            time.sleep(self.every_s)

    def peak_of(self, pids: list[int] | None = None) -> int:
        chosen = self.peaks if pids is None else {p: self.peaks.get(p, 0) for p in pids}
        return max(chosen.values(), default=0)

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
