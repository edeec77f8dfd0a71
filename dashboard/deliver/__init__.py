"""Delivering briefings and alerts to the [[target]]s of pulse.toml (SMTP, chat robots, webhooks, a folder).

    deliver(db, message, targets) -> [Delivery]   # every target tried, retried; one journal row each

A failed target never stops the others: its last error is recorded in the `deliveries` journal table.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from dashboard.deliver.message import Message
from dashboard.deliver.senders import SendError, SendRefused, send
from dashboard.deliver.targets import Target, TargetError, parse_targets, pick
from etl import journal

__all__ = ["Delivery", "Message", "Target", "TargetError", "deliver", "parse_targets", "pick"]
log = logging.getLogger("pulse.deliver")


@dataclass(frozen=True)
class Delivery:
    target: str
    status: str  # sent | failed
    attempts: int
    error: str | None = None

    def line(self) -> str:
        return f"{self.target}: sent" if self.status == "sent" else f"{self.target}: failed: {self.error}"


def deliver(db: Path, message: Message, targets: list[Target], sleep=time.sleep) -> list[Delivery]:
    return [_deliver_one(db, message, target, sleep) for target in targets]


def _deliver_one(db: Path, message: Message, target: Target, sleep) -> Delivery:
    error = None
    attempts = max(1, target.attempts)
    for attempt in range(1, attempts + 1):
        try:
            send(target, message)
            error = None
            break
        except (SendError, TargetError) as exc:
            error = f"target '{target.name}' ({target.kind}): {exc}"
            log.info("delivery attempt %d of %s failed: %s", attempt, message.item, error)
            if isinstance(exc, TargetError | SendRefused):
                break  # a missing secret or a wrong password does not change by retrying
            if attempt < attempts:
                sleep(target.retry_delay * 2 ** (attempt - 1))
    result = Delivery(target.name, "failed" if error else "sent", attempt, error)
    journal.record(db, "deliveries", target=target.name, kind=target.kind, item=message.item,
                   status=result.status, attempts=result.attempts, error=error)
    return result
