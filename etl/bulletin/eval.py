"""Recall and precision of extracted statistics against a gold CSV (the seed_gold.csv format).

A record matches a gold row when doc, value (numerically), unit and — where the gold row has one —
period_end agree (GOLD.md); each gold row matches at most one record, so a statistic found twice
is one hit and one false hit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any


@dataclass
class EvalResult:
    hits: list[tuple[dict[str, Any], dict[str, str]]] = field(default_factory=list)
    misses: list[dict[str, str]] = field(default_factory=list)  # gold rows not found
    false_hits: list[dict[str, Any]] = field(default_factory=list)  # records matching no gold row

    @property
    def recall(self) -> float:
        total = len(self.hits) + len(self.misses)
        return len(self.hits) / total if total else 1.0

    @property
    def change_correct(self) -> float:
        """Share of matched rows whose change (change_pct and change_kind) agrees with the gold row.

        The value's sign is part of the match already; a gold `vs_prev_year` counts as `yoy`.
        """
        if not self.hits:
            return 1.0
        return sum(1 for r, g in self.hits if _same_change(r, g)) / len(self.hits)

    @property
    def precision(self) -> float:
        total = len(self.hits) + len(self.false_hits)
        return len(self.hits) / total if total else 1.0


def _num(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def key(doc: Any, value: Any, unit: Any, period_end: Any) -> tuple[str, Decimal | None, str, str]:
    return (str(doc), _num(value), str(unit or ""), str(period_end or ""))


def _same_change(r: dict[str, Any], g: dict[str, str]) -> bool:
    gold_pct = _num(g.get("change_pct")) if g.get("change_pct") else None
    mine_pct = _num(r.get("change_pct")) if r.get("change_pct") is not None else None
    gold_kind = (g.get("change_kind") or "").replace("vs_prev_year_end", "@").replace("vs_prev_year", "yoy").replace("@", "vs_prev_year_end")
    return gold_pct == mine_pct and (r.get("change_kind") or "") == gold_kind


def read_gold(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def evaluate(records: list[dict[str, Any]], gold: list[dict[str, str]]) -> EvalResult:
    """Compare records (pulse extract's dicts) with gold rows of the same documents."""
    docs = {str(r["doc"]) for r in records} | {g["doc"] for g in gold}
    gold = [g for g in gold if g["doc"] in docs]
    pool: dict[tuple, list[dict[str, str]]] = {}
    for g in gold:
        pool.setdefault(key(g["doc"], g["value"], g["unit"], g["period_end"]), []).append(g)
    result = EvalResult()
    for r in records:
        # GOLD.md: period_end must agree "where the row has one"; a gold row without one takes any
        found = (pool.get(key(r["doc"], r["value"], r["unit"], r["period_end"]))
                 or pool.get(key(r["doc"], r["value"], r["unit"], None)))
        if found:
            result.hits.append((r, found.pop(0)))
        else:
            result.false_hits.append(r)
    result.misses = [g for rows in pool.values() for g in rows]
    return result


def report_lines(result: EvalResult) -> list[str]:
    lines = [f"recall {result.recall:.3f} ({len(result.hits)}/{len(result.hits) + len(result.misses)})  "
             f"precision {result.precision:.3f} ({len(result.hits)}/{len(result.hits) + len(result.false_hits)})  "
             f"sign/change correct {result.change_correct:.3f}"]
    for g in result.misses:
        lines.append(f"MISS  {g['doc']}: {g['value']} {g['unit']} end={g['period_end'] or '-'}  "
                     f"{g['indicator']}  «{_one_line(g['quote'])}»")
    for r, g in result.hits:
        if not _same_change(r, g):
            lines.append(f"CHANGE {r['doc']}: {r['value']} {r['unit']} change {r['change_pct']} {r['change_kind']} "
                         f"(gold {g['change_pct'] or '-'} {g['change_kind'] or '-'})  «{_one_line(g['quote'])}»")
    for r in result.false_hits:
        lines.append(f"FALSE {r['doc']}: {r['value']} {r['unit']} end={r['period_end'] or '-'}  "
                     f"{r['indicator']}  «{_one_line(r['quote'])}»")
    return lines


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:80]
