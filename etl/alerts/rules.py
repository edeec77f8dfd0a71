"""data/alerts.toml: alert rules. Format in README "Pull and deliver".

    [[rule]]
    name = "copper_output_drop"     # unique; names the firing and `pulse alerts snooze`
    kind = "change"                  # level | yoy | change | stale | spc
    series = ["refined_copper_output_ytd"]
    pct = 5                          # change: beyond ±5 % against the previous period
    targets = ["ops-mail"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from etl.errors import PulseError

KINDS = ("level", "yoy", "change", "stale", "spc")
KEYS = {
    "level": {"above", "below"},
    "yoy": {"above", "below"},
    "change": {"pct", "direction"},
    "stale": {"grace_days"},
    "spc": {"we_rules", "lookback_days"},
}
COMMON = {"name", "kind", "series", "targets", "note"}


class RuleError(PulseError):
    """alerts.toml cannot be used; one sentence naming the rule and what to fix."""

    exit_code = 2


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    series: tuple[str, ...]  # empty for spc = every control chart
    targets: tuple[str, ...] = ()
    above: float | None = None  # level (display unit, as charts show it) / yoy (percent)
    below: float | None = None
    pct: float | None = None  # change
    direction: str = "either"  # change: up | down | either
    grace_days: int = 0  # stale: days past the next period's due date
    we_rules: tuple[str, ...] = ()  # spc: e.g. ("WE1", "WE2"); empty = all four
    lookback_days: int = 7  # spc: points this many days before a chart's latest point still fire
    note: str = ""


def load_rules(path: Path) -> list[Rule]:
    """The rules of `path`; [] when the file does not exist (alerts are optional)."""
    if not path.is_file():
        return []
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: not valid TOML ({exc}); fix the file.") from None
    if set(doc) - {"rule"}:
        raise RuleError(f"{path}: unknown table(s) {', '.join(sorted(set(doc) - {'rule'}))}; use [[rule]].")
    rules = [_rule(raw, path, i) for i, raw in enumerate(doc.get("rule", []), start=1)]
    names = [r.name for r in rules]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise RuleError(f"{path}: rule name(s) {', '.join(dupes)} used twice; names must be unique.")
    return rules


def _rule(raw: dict, path: Path, i: int) -> Rule:
    name, kind = str(raw.get("name") or f"#{i}"), raw.get("kind")
    where = f"{path} rule '{name}'"
    if not raw.get("name"):
        raise RuleError(f"{where}: every rule needs a name.")
    if kind not in KINDS:
        raise RuleError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}.")
    unknown = set(raw) - COMMON - KEYS[kind]
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} for kind {kind}; "
                        f"allowed: {', '.join(sorted(COMMON | KEYS[kind]))}.")
    series = raw.get("series", [])
    series = (series,) if isinstance(series, str) else tuple(series)
    if not series and kind != "spc":
        raise RuleError(f"{where}: name the series (a catalog id or a list of them).")
    if kind in ("level", "yoy") and raw.get("above") is None and raw.get("below") is None:
        raise RuleError(f"{where}: a {kind} rule needs above and/or below.")
    if kind == "change" and not isinstance(raw.get("pct"), int | float):
        raise RuleError(f"{where}: a change rule needs pct (a number: percent against the previous period).")
    if raw.get("direction", "either") not in ("up", "down", "either"):
        raise RuleError(f"{where}: direction must be up, down or either.")
    targets = raw.get("targets", [])
    return Rule(
        name=name, kind=kind, series=series, targets=(targets,) if isinstance(targets, str) else tuple(targets),
        above=_num(raw.get("above")), below=_num(raw.get("below")), pct=_num(raw.get("pct")),
        direction=raw.get("direction", "either"), grace_days=int(raw.get("grace_days", 0)),
        we_rules=tuple(raw.get("we_rules", ())), lookback_days=int(raw.get("lookback_days", 7)),
        note=str(raw.get("note", "")),
    )


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
