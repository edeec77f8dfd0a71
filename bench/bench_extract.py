"""Bulletin extraction speed: KB of text per second on one core, against a plain number scan.

    uv run python bench/bench_extract.py [--mb 5]

The text is the seed bulletin repeated to the requested size; the baseline is a bare
`re.finditer` over numbers of the same text (the floor any extractor pays to look at it).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bench import best_of
from etl.bulletin.extract import extract_records

SEED = Path(__file__).resolve().parent.parent / "data" / "inbox" / "bulletins" / "000_0bd2a604021fabf6.txt"


def main(mb: float = 2.0, repeat: int = 3) -> str:
    seed = SEED.read_text(encoding="utf-8")
    one = extract_records(seed, 2025)[1]
    text = seed * max(1, int(mb * 1e6 / len(seed.encode("utf-8"))))
    kb = len(text.encode("utf-8")) / 1024
    seed_kb = len(seed.encode("utf-8")) / 1024
    number = re.compile(r"\d+(?:\.\d+)?")
    base = best_of(repeat, lambda: sum(1 for _ in number.finditer(text)))
    seed_t = best_of(repeat * 3, lambda: extract_records(seed, 2025))
    big = best_of(1, lambda: extract_records(text, 2025))
    return (
        "## Bulletin extraction (`bench/bench_extract.py`)\n\n"
        "One core. The baseline is a bare `re.finditer` over the numbers of the same text: the floor any\n"
        "extractor pays to look at it.\n\n"
        "| text | KB | records | extractor KB/s | baseline KB/s | time ratio to baseline |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        f"| seed bulletin | {seed_kb:.0f} | {len(one)} | {seed_kb / seed_t:,.0f} | — | — |\n"
        f"| seed repeated to {kb / 1024:.1f} MB | {kb:,.0f} | — | {kb / big:,.0f} | {kb / base:,.0f} | "
        f"{big / base:.0f} |\n"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(main(args.mb, args.repeat))
