"""Deciding held vintages (etl/holds.py): accept lets one become current, reject keeps it out.

A decision changes what is current, so it is written to the warehouse like a load: under the
writer lock, on a staging copy, then published. Nothing is deleted: the observation keeps its row
with status accepted/rejected, `review_decisions` records who decided and when, and the audit
journal (etl/journal.py) gets one line per decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from etl import current, journal, warehouse
from etl.errors import PulseError
from etl.read import query
from etl.settings import Settings

DECISIONS = {"accept": "accepted", "reject": "rejected"}


class ReviewError(PulseError):
    """A decision that cannot be taken (unknown or already decided ID)."""


@dataclass(frozen=True)
class Decision:
    review_id: int
    decision: str  # accepted | rejected
    decided_by: str
    published_version: int


def held(settings: Settings) -> pl.DataFrame:
    """The vintages waiting for a decision (v_conflicts); empty before the first load."""
    return _read(settings, "v_conflicts")


def decisions(settings: Settings) -> pl.DataFrame:
    return _read(settings, "v_review_decisions")


def _read(settings: Settings, view: str) -> pl.DataFrame:
    if not settings.db.is_file():
        return pl.DataFrame()
    try:
        return query(settings.db, f"SELECT * FROM {view}")
    except duckdb.CatalogException:
        raise ReviewError(f"the warehouse {settings.db} predates review ({view} is missing); "
                          "run `pulse load` once to migrate it.") from None


def decide(settings: Settings, review_id: int, action: str, user: str) -> Decision:
    """Accept or reject one held vintage and publish; one-line ReviewError when it cannot be."""
    if action not in DECISIONS:
        raise ReviewError(f"review action '{action}' is unknown; use accept or reject.", exit_code=2)
    if not settings.db.is_file():
        raise ReviewError(f"no warehouse at {settings.db}; run `pulse load` first.")
    status = DECISIONS[action]
    with warehouse.writer_lock(settings.db):
        con = warehouse.open_staging(settings.db)
        try:
            reason = _check_held(con, review_id)
            con.execute("UPDATE observations SET status = ? WHERE obs_id = ?", [status, review_id])
            current.touch(con, "obs_id = ?", [review_id])  # what is current for its period may change
            con.execute("INSERT INTO review_decisions (obs_id, decision, decided_by, hold_reason) VALUES (?,?,?,?)",
                        [review_id, status, user, reason])
            version = warehouse.publish(con, settings.db)
        except BaseException:
            warehouse.discard_staging(con, settings.db)
            raise
    journal.record(settings.db, "audit", user=user, action="review", detail=f"{action} {review_id}: {reason}")
    return Decision(review_id, status, user, version)


def _check_held(con, review_id: int) -> str:
    row = con.execute("SELECT status, hold_reason FROM observations WHERE obs_id = ?", [review_id]).fetchone()
    if row is None:
        raise ReviewError(f"review ID {review_id} does not exist; `pulse review list` shows the held ones.")
    status, reason = row
    if status != "held":
        who = con.execute("SELECT decided_by, decided_at FROM review_decisions WHERE obs_id = ? "
                          "ORDER BY decision_id DESC LIMIT 1", [review_id]).fetchone()
        by = f" by {who[0]} at {who[1]:%Y-%m-%d %H:%M}" if who else ""
        what = "was never held" if status == "ok" else f"is already {status}{by}"
        raise ReviewError(f"review ID {review_id} {what}; nothing changed.")
    return reason
