"""The one lexicon of the words the ETL reads, typed, loaded once from etl/lexicon.toml.

Units, change verbs with polarity, comparison cues with their change kind, period words, forecast
words, index bases and count classifiers live in the TOML file; the bulletin rules and etl.units
compile their patterns from `LEXICON` and hold no word lists of their own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("lexicon.toml")
CHANGE_KINDS = ("yoy", "mom", "pp", "vs_year_start", "vs_prev_year_end", "avg_annual")


@dataclass(frozen=True)
class UnitEntry:
    written: str
    canonical: str
    dimension: str
    factor: Decimal
    scan: str  # scan, people (scanned only with a magnitude), spell (read, not scanned)


@dataclass(frozen=True)
class Lexicon:
    magnitudes: dict[str, Decimal]
    units: dict[str, UnitEntry]
    classes: dict[str, frozenset[str]]
    category_nouns: tuple[str, ...]
    verbs: dict[str, int]
    rate_nouns: dict[str, int]
    comparatives: dict[str, int]
    cues: dict[str, str]
    relative_years: dict[str, int]
    periods: dict[str, tuple[str, ...]]
    five_year_plans: dict[str, int]
    forecast_sentence: tuple[str, ...]
    forecast_clause: tuple[str, ...]
    forecast_mark: str
    index_base_year: tuple[str, ...]
    index_base_prev: tuple[str, ...]
    words: dict[str, tuple[str, ...]]
    cn_digits: dict[str, int]
    cn_places: dict[str, int]

    def scanned_units(self) -> list[str]:
        return [u.written for u in self.units.values() if u.scan in ("scan", "people")]

    def people_units(self) -> frozenset[str]:
        return frozenset(u.written for u in self.units.values() if u.scan == "people")


def alt(words: Any) -> str:
    """A regex alternation of words, longest first, escaped."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def _units(raw: dict[str, list[str]]) -> dict[str, UnitEntry]:
    return {w: UnitEntry(w, c, d, Decimal(f), scan) for w, (c, d, f, scan) in raw.items()}


@cache
def load(path: Path = PATH) -> Lexicon:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    classes = raw["unit_classes"]
    return Lexicon(
        magnitudes={k: Decimal(v) for k, v in raw["magnitudes"].items()},
        units=_units(raw["units"]),
        classes={k: frozenset(v) for k, v in classes.items() if k != "category_nouns"},
        category_nouns=tuple(classes["category_nouns"]),
        verbs=dict(raw["verbs"]),
        rate_nouns=dict(raw["rate_nouns"]),
        comparatives=dict(raw["comparatives"]),
        cues=dict(raw["cues"]),
        relative_years=dict(raw["relative_years"]),
        periods={k: tuple(v) for k, v in raw["periods"].items()},
        five_year_plans=dict(raw["five_year_plans"]),
        forecast_sentence=tuple(raw["forecast"]["sentence"]),
        forecast_clause=tuple(raw["forecast"]["clause"]),
        forecast_mark=raw["forecast"]["mark"],
        index_base_year=tuple(raw["index_base"]["year"]),
        index_base_prev=tuple(raw["index_base"]["prev_year"]),
        words={k: tuple(v) for k, v in raw["words"].items()},
        cn_digits=dict(raw["numerals"]["digits"]),
        cn_places=dict(raw["numerals"]["places"]),
    )


LEXICON = load()

TRADITIONAL_PATH = Path(__file__).with_name("traditional.tsv")


@cache
def traditional() -> dict[int, int]:
    """A str.translate table, traditional -> simplified, one character for one (etl/traditional.tsv):
    offsets in the translated text are offsets in the original, so quotes stay exact."""
    table: dict[int, int] = {}
    for line in TRADITIONAL_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            written, simplified = line.split("\t")
            table[ord(written)] = ord(simplified)
    return table


def cn_int(text: str) -> int | None:
    """'四十一' -> 41, '十' -> 10, '一百零五' -> 105, '55' -> 55; None if not a numeral.

    The one Chinese-numeral reader (etl.periods.cn_number and the bulletin scanner use it).
    """
    if text.isdigit():
        return int(text)
    if not text:
        return None
    total, digit = 0, None
    for ch in text:
        if ch in LEXICON.cn_digits:
            digit = LEXICON.cn_digits[ch]
        elif ch in LEXICON.cn_places:
            total += (1 if digit is None else digit) * LEXICON.cn_places[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def cn_decimal(text: str) -> str | None:
    """'四十一' -> '41', '三点五' -> '3.5' (the number as an Arabic string)."""
    whole, _, frac = text.partition("点")
    n = cn_int(whole) if whole else 0
    if n is None:
        return None
    if not frac:
        return str(n)
    digits = "".join(str(LEXICON.cn_digits[c]) for c in frac if c in LEXICON.cn_digits)
    return f"{n}.{digits}" if len(digits) == len(frac) else None
