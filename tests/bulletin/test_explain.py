"""`pulse extract --explain`: every number of the text with the rule that kept or dropped it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dashboard.commands.extract import command as extract_command

RULES = Path(__file__).resolve().parent.parent / "cases" / "bulletin" / "rules"


def _explain(name: str) -> list[list[str]]:
    result = CliRunner().invoke(extract_command, ["--explain", str(RULES / name)])
    assert result.exit_code == 0, result.output
    return [line.split("\t")[:4] for line in result.output.splitlines()]


def test_explain_names_the_rule_for_every_number() -> None:
    assert _explain("threshold_not_statistic.txt") == [
        ["threshold_not_statistic.txt:1", "2025", "dropped", "part of a date"],
        ["threshold_not_statistic.txt:1", "11", "dropped", "part of a date"],
        ["threshold_not_statistic.txt:1", "14", "dropped", "part of a date"],
        ["threshold_not_statistic.txt:2", "1", "dropped", "threshold crossed (首次突破1亿吨)"],
        ["threshold_not_statistic.txt:2", "1.05", "kept", "level 1.05亿吨; period 前三季度 2025-01-01..2025-09-30"],
    ]


def test_explain_shows_changes_attached_and_categories_dropped() -> None:
    lines = _explain("category_counts.txt")
    assert ["category_counts.txt:2", "41", "dropped",
            "denominator: a count of categories (41个大类行业中, 4个分指数, 21个指标)"] in lines
    attached = _explain("vs_year_start.txt")
    assert attached[-2:] == [
        ["vs_year_start.txt:2", "270.6", "kept",
         "level 270.6万亿元; change +5.1 vs_year_start; period 10月末 2025-10-31..2025-10-31"],
        ["vs_year_start.txt:2", "5.1", "dropped", "change attached to the level before it (余额X，增长Y%)"],
    ]
