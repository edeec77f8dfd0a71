"""Alert rules (data/alerts.toml) evaluated against the warehouse; firings recorded in the journal.

    load_rules(path) -> [Rule]
    evaluate(db, rules, today=None) -> [Firing]   # each firing recorded once per rule, series, period
    snooze(db, rule, until)                        # firings until then are recorded, not delivered
"""

from etl.alerts.evaluate import Firing, evaluate, snooze, snoozed_until
from etl.alerts.rules import Rule, RuleError, load_rules

__all__ = ["Firing", "Rule", "RuleError", "evaluate", "load_rules", "snooze", "snoozed_until"]
