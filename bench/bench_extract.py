"""Bulletin extraction speed: KB of text per second on one core, against a plain number scan.

    uv run python bench/bench_extract.py [--mb 5]

The text is the seed bulletin repeated to the requested size; the baseline is a bare
`re.finditer` over numbers of the same text (the floor any extractor pays to look at it).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from etl.bulletin.extract import extract_records

SEED = Path(__file__).resolve().parent.parent / "data" / "inbox" / "bulletins" / "000_0bd2a604021fabf6.txt"


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = SEED.read_text(encoding="utf-8")
    one = extract_records(seed, 2025)[1]
    text = seed * max(1, int(args.mb * 1e6 / len(seed.encode("utf-8"))))
    kb = len(text.encode("utf-8")) / 1024
    number = re.compile(r"\d+(?:\.\d+)?")
    base = _best(lambda: sum(1 for _ in number.finditer(text)), args.repeat)
    seed_t = _best(lambda: extract_records(seed, 2025), args.repeat * 3)
    big = _best(lambda: extract_records(text, 2025), 1)
    print(f"seed bulletin: {len(seed.encode('utf-8')) / 1024:.0f} KB, {len(one)} records, "
          f"{len(seed.encode('utf-8')) / 1024 / seed_t:,.0f} KB/s")
    print(f"{kb / 1024:.1f} MB text: extractor {kb / big:,.0f} KB/s; baseline re.finditer numbers "
          f"{kb / base:,.0f} KB/s; extractor takes {big / base:.0f}x the baseline's time")


if __name__ == "__main__":
    main()
