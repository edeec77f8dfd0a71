"""Run every benchmark (or those named) and print their markdown sections.

    uv run python -m bench            # all
    uv run python -m bench load sql   # bench_load.py and bench_sql.py only
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(names: list[str]) -> None:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    chosen = [m for m in modules if not names or m.removeprefix("bench_") in names]
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        print(module.main(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
