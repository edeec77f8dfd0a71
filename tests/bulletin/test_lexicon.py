"""The one lexicon: every unit the scanner can emit parses in etl.units; no word lists elsewhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from etl.bulletin.numbers import MAGNITUDE, SCANNED_UNITS, find_quantities
from etl.bulletin.rules import change_kind_of
from etl.lexicon import CHANGE_KINDS, LEXICON
from etl.units import parse_unit, to_canonical

_NO_MAGNITUDE = ("ratio", "pp", "multiple", "price", "duration", "energy_per_mass")


@pytest.mark.parametrize("unit", SCANNED_UNITS)
def test_every_scanned_unit_parses_in_etl_units(unit: str) -> None:
    assert parse_unit(unit).canonical == LEXICON.units[unit].canonical


@pytest.mark.parametrize("unit", [u for u in SCANNED_UNITS if not LEXICON.units[u].dimension.startswith(_NO_MAGNITUDE)])
@pytest.mark.parametrize("mag", ["万", "亿", "万亿"])
def test_every_scanned_unit_with_a_magnitude_parses(unit: str, mag: str) -> None:
    assert parse_unit(mag + unit).factor == LEXICON.units[unit].factor * LEXICON.magnitudes[mag]


@pytest.mark.parametrize(("text", "value", "canonical"), [
    ("均价3.2万元/吨", 32000.0, "CNY/t"), ("营收12.5亿港元", 1.25e9, "HKD"), ("金价2400美元/盎司", 2400.0, "USD/oz"),
    ("每股收益0.35元/股", 0.35, "CNY/share"), ("面积12.3万平方公里", 123000.0, "km2"), ("出生率6.4‰", 6.4, "‰"),
    ("猪肉价格25.6元/千克", 25.6, "CNY/kg"), ("出口3.1亿欧元", 3.1e8, "EUR"),
])
def test_composite_units_are_found_and_scaled(text: str, value: float, canonical: str) -> None:
    (q,) = find_quantities(text)
    assert to_canonical(q.value, q.unit) == (value, canonical)


def test_magnitudes_pattern_is_compiled_from_the_lexicon() -> None:
    assert set(re.findall(r"[\u4e00-\u9fff]+", MAGNITUDE)) == set(LEXICON.magnitudes)


@pytest.mark.parametrize(("text", "kind"), [
    ("同比增长", "yoy"), ("比上年增长", "yoy"), ("比上年同期增长", "yoy"), ("较去年同期下降", "yoy"),
    ("比去年增加", "yoy"), ("环比增长", "mom"), ("比上月回落", "mom"), ("较年初增加", "vs_year_start"),
    ("比上年末增加", "vs_prev_year_end"), ("年均增长", "avg_annual"),
])
def test_comparison_cues_name_their_kind(text: str, kind: str) -> None:
    assert change_kind_of(text) == kind


def test_cue_kinds_are_the_documented_kinds() -> None:
    assert set(LEXICON.cues.values()) <= set(CHANGE_KINDS)
    assert "vs_prev_year" not in CHANGE_KINDS


def test_no_word_lists_outside_the_lexicon() -> None:
    """Verbs, cues and units are written only in etl/lexicon.toml (quoted in docs/comments is fine)."""
    words = ["同比", "环比", "比上年", "下降", "回落", "减少", "少增", "亿元", "万吨", "美元/吨", "今年", "上年", "预计"]
    root = Path(__file__).resolve().parents[2] / "etl"
    offenders = []
    for path in sorted((root / "bulletin").glob("*.py")) + [root / "units.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                if any(w in node.value for w in words):
                    offenders.append(f"{path.name}:{node.lineno}: {node.value[:40]}")
    assert offenders == []
