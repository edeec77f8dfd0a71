"""Evaluating alert rules against the published warehouse (read-only, through etl.read).

Level, YoY and change rules judge each series' latest period; staleness judges whether the next
period is overdue (its frequency + grace days past the latest period's end); SPC rules take the
Western Electric firings of v_spc_alerts near each chart's latest point. Firing the same rule for
the same series and period twice is impossible: the journal's alert_firings is unique on them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from etl import journal, read
from etl.alerts.rules import Rule

FREQUENCY_DAYS = {"D": 1, "W": 7, "M": 31, "Q": 92, "S": 183, "A": 366}


@dataclass(frozen=True)
class Firing:
    rule: Rule
    series: str
    period: date  # the period end it fired for (staleness: the last period seen)
    value: float | None
    detail: str
    new: bool = True  # False: recorded by an earlier evaluation
    snoozed_until: date | None = None
    # what the detail says, as values, so deliveries can word it in the reader's language
    facts: dict = field(default_factory=dict, compare=False)

    @property
    def deliverable(self) -> bool:
        return self.new and self.snoozed_until is None

    @property
    def item(self) -> str:
        return f"alert:{self.rule.name}:{self.series}:{self.period.isoformat()}"


def evaluate(db: Path, rules: list[Rule], today: date | None = None) -> list[Firing]:
    """Every firing of `rules` now, each recorded once in the journal (new=False when it already was)."""
    today = today or datetime.now(UTC).date()
    if not rules or not read.warehouse_exists(db):
        return []
    con = read.connect_readonly(db)
    try:
        found = [f for rule in rules for f in CHECKS[rule.kind](con, rule, today)]
    finally:
        con.close()
    return [_record(db, f, today) for f in found]


def _latest_two(con, rule: Rule) -> pl.DataFrame:
    return read.frame(con, """
        SELECT series_id, name_zh, display_unit, frequency, period_end, display_value, value, change_pct,
               change_kind, row_number() OVER (PARTITION BY series_id ORDER BY period_end DESC) AS nth
        FROM v_observations WHERE series_id IN (SELECT unnest($ids)) AND value IS NOT NULL
        QUALIFY nth <= 2 ORDER BY series_id, nth""", {"ids": list(rule.series)})


def _check_level(con, rule: Rule, today: date) -> list[Firing]:
    latest = _latest_two(con, rule).filter(pl.col("nth") == 1)
    return [f for row in latest.iter_rows(named=True)
            if (f := _threshold(rule, row, row["display_value"], f"{row['display_unit'] or ''}")) is not None]


def _check_yoy(con, rule: Rule, today: date) -> list[Firing]:
    latest = _latest_two(con, rule).filter((pl.col("nth") == 1) & (pl.col("change_kind") == "yoy"))
    return [f for row in latest.iter_rows(named=True)
            if row["change_pct"] is not None and (f := _threshold(rule, row, row["change_pct"], "% YoY")) is not None]


def _threshold(rule: Rule, row: dict, value: float, unit: str) -> Firing | None:
    shown = f"{row['name_zh']} {row['period_end']}: {value:g} {unit}".rstrip()
    facts = {"name": row["name_zh"], "unit": row["display_unit"] or "", "value": value}
    if rule.above is not None and value > rule.above:
        return Firing(rule, row["series_id"], row["period_end"], value, f"{shown} is above {rule.above:g}",
                      facts={**facts, "side": "above", "limit": rule.above})
    if rule.below is not None and value < rule.below:
        return Firing(rule, row["series_id"], row["period_end"], value, f"{shown} is below {rule.below:g}",
                      facts={**facts, "side": "below", "limit": rule.below})
    return None


def _check_change(con, rule: Rule, today: date) -> list[Firing]:
    frame = _latest_two(con, rule)
    firings = []
    for (series,), part in frame.group_by("series_id", maintain_order=True):
        if part.height < 2 or not part["value"][1]:
            continue
        cur, prev = part.row(0, named=True), part.row(1, named=True)
        change = (cur["value"] / prev["value"] - 1) * 100
        if abs(change) <= rule.pct or (rule.direction == "up" and change < 0) or \
                (rule.direction == "down" and change > 0):
            continue
        firings.append(Firing(rule, series, cur["period_end"], round(change, 4),
                              f"{cur['name_zh']} {cur['period_end']}: {cur['display_value']:g} "
                              f"{cur['display_unit'] or ''}, {change:+.1f}% vs {prev['period_end']} "
                              f"(limit ±{rule.pct:g}%)",
                              facts={"name": cur["name_zh"], "unit": cur["display_unit"] or "",
                                     "value": cur["display_value"], "change": change, "prev": prev["period_end"],
                                     "limit": rule.pct}))
    return firings


def _check_stale(con, rule: Rule, today: date) -> list[Firing]:
    frame = read.frame(con, """
        SELECT s.series_id, s.name_zh, s.frequency, max(o.period_end) AS last_end
        FROM series s LEFT JOIN v_observations o USING (series_id)
        WHERE s.series_id IN (SELECT unnest($ids)) GROUP BY ALL ORDER BY 1""", {"ids": list(rule.series)})
    firings = []
    for row in frame.iter_rows(named=True):
        if row["last_end"] is None:
            continue  # never loaded: not stale, just absent (a level rule would not fire either)
        due = row["last_end"] + timedelta(days=FREQUENCY_DAYS.get(row["frequency"] or "M", 31) + rule.grace_days)
        if today > due:
            firings.append(Firing(rule, row["series_id"], row["last_end"], None,
                                  f"{row['name_zh']}: no period after {row['last_end']} (frequency "
                                  f"{row['frequency']}, {rule.grace_days} grace day(s); due by {due})",
                                  facts={"name": row["name_zh"], "frequency": row["frequency"],
                                         "grace": rule.grace_days, "due": due}))
    return firings


def _check_spc(con, rule: Rule, today: date) -> list[Firing]:
    frame = read.frame(con, """
        WITH last AS (  -- each chart's latest point (ids as v_spc_alerts builds them)
            SELECT 'plant_' || lower(replace(line, '-', '_')) || '_recovery_b' AS series_id,
                   max(ended_at)::DATE AS last_end FROM v_gallium_ichart GROUP BY ALL
            UNION ALL
            SELECT 'plant_' || lower(replace(line, '-', '_')) || coalesce('_' || lower(robot), '') || '_fpy_d',
                   max(day) FROM v_weld_pchart GROUP BY ALL)
        SELECT series_id, chart, rule, period_end, subject, value, detail FROM v_spc_alerts JOIN last USING (series_id)
        WHERE period_end > last_end - to_days($lookback)
          AND (len($ids) = 0 OR series_id IN (SELECT unnest($ids)))
        ORDER BY series_id, period_end, chart, subject, rule""", {"lookback": rule.lookback_days, "ids": list(rule.series)})
    firings = []
    for row in frame.iter_rows(named=True):
        if rule.we_rules and row["rule"].split(":")[0] not in rule.we_rules:
            continue
        # one firing per chart and day: the journal key is (rule, series, period)
        series = f"{row['series_id']}/{row['chart']}/{row['subject']}"
        firings.append(Firing(rule, series, row["period_end"], row["value"],
                              f"{row['subject']} {row['period_end']} {row['rule']}: {row['detail']}",
                              facts={"subject": row["subject"], "we": row["rule"], "detail": row["detail"]}))
    return _first_per_key(firings)


def _first_per_key(firings: list[Firing]) -> list[Firing]:
    seen, out = set(), []
    for f in firings:
        if (f.series, f.period) not in seen:
            seen.add((f.series, f.period))
            out.append(f)
    return out


CHECKS = {"level": _check_level, "yoy": _check_yoy, "change": _check_change, "stale": _check_stale,
          "spc": _check_spc}


def snoozed_until(db: Path, rule: str, today: date) -> date | None:
    rows = journal.recent(db, "alert_snoozes", 1, "rule = ?", (rule,))
    if rows and date.fromisoformat(rows[0]["until"]) >= today:
        return date.fromisoformat(rows[0]["until"])
    return None


def snooze(db: Path, rule: str, until: date) -> None:
    journal.record(db, "alert_snoozes", rule=rule, until=until.isoformat())


def _record(db: Path, firing: Firing, today: date) -> Firing:
    quiet = snoozed_until(db, firing.rule.name, today)
    try:
        journal.record(db, "alert_firings", rule=firing.rule.name, series=firing.series,
                       period=firing.period.isoformat(), value=firing.value, detail=firing.detail,
                       snoozed_until=quiet.isoformat() if quiet else None)
    except sqlite3.IntegrityError:
        return replace(firing, new=False, snoozed_until=quiet)
    return replace(firing, snoozed_until=quiet)
