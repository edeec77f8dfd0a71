"""One case file per rule of how Chinese statistical prose is written (tests/cases/bulletin/rules/).

Each `NAME.txt` is named after its phenomenon and has `NAME.txt.expected.csv`, the exact records
(value, unit, period, change, index base) a reader of the text would label under GOLD.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etl.bulletin import extract_document, to_dict
from etl.bulletin.documents import read_document

RULES = Path(__file__).resolve().parent.parent / "cases" / "bulletin" / "rules"
FIELDS = ("value", "unit", "period_start", "period_end", "change_pct", "change_kind", "index_base")


def _rows(path: Path) -> list[dict[str, str]]:
    doc = extract_document(path.name, read_document(path), None, None)
    out = []
    for r in (to_dict(doc, x, None) for x in doc.records):
        out.append({k: "" if r[k] is None else str(r[k]) for k in FIELDS})
    return out


@pytest.mark.parametrize("path", sorted(RULES.glob("*.txt")), ids=lambda p: p.stem)
def test_rule_case_gives_exactly_the_expected_records(path: Path) -> None:
    with (path.parent / (path.name + ".expected.csv")).open(encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    for row in expected:
        row["change_pct"] = str(float(row["change_pct"])) if row["change_pct"] else ""
    assert _rows(path) == expected


def test_own_held_out_bulletins_meet_the_issue_thresholds() -> None:
    """Four bulletins written after the rules (tests/cases/bulletin/heldout_extract/README.md)."""
    from etl.bulletin.eval import evaluate, read_gold

    heldout = RULES.parent / "heldout_extract"
    records = []
    for path in sorted(heldout.glob("*.txt")):
        doc = extract_document(path.name, read_document(path), None, None)
        records += [to_dict(doc, r, None) for r in doc.records]
    result = evaluate(records, read_gold(heldout / "gold.csv"))
    assert (result.recall >= 0.90, result.precision >= 0.90) == (True, True), (result.recall, result.precision)
    assert result.change_correct >= 0.98, result.change_correct


def test_eval_reports_recall_precision_and_change_correctness() -> None:
    from click.testing import CliRunner

    from dashboard.commands.extract import command

    heldout = RULES.parent / "heldout_extract"
    files = [str(p) for p in sorted(heldout.glob("*.txt"))]
    result = CliRunner().invoke(command, ["--eval", str(heldout / "gold.csv"), *files])
    assert result.output.splitlines()[0] == (
        "recall 1.000 (59/59)  precision 1.000 (59/59)  sign/change correct 1.000")


def test_eval_matches_period_end_only_where_the_gold_row_has_one() -> None:
    """GOLD.md: doc, value, unit and (where the row has one) period_end agree."""
    from etl.bulletin.eval import evaluate

    gold = [{"doc": "a.txt", "value": "99.2", "unit": "%", "period_end": ""},
            {"doc": "a.txt", "value": "381", "unit": "万吨", "period_end": "2025-10-31"}]
    records = [{"doc": "a.txt", "value": "99.2", "unit": "%", "period_end": "2025-09-30"},
               {"doc": "a.txt", "value": "381", "unit": "万吨", "period_end": "2025-09-30"}]
    result = evaluate(records, gold)
    assert ([g["value"] for _, g in result.hits], [r["value"] for r in result.false_hits],
            [g["value"] for g in result.misses]) == (["99.2"], ["381"], ["381"])
