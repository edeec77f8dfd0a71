"""Benchmarks: each bench_*.py has main() -> str (a markdown section); `python -m bench` runs them."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """The fastest of `runs` timings of fn(), in seconds (the least disturbed by other jobs)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
