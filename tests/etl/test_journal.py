"""The operations journal takes rows from several processes and reads them back newest first."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from etl import journal


def test_record_and_recent_newest_first(tmp_path):
    db = tmp_path / "pulse.duckdb"
    assert journal.recent(db, "audit") == []
    journal.record(db, "audit", user="local", action="load", detail="a.csv", at="2026-01-01T00:00:00+00:00")
    journal.record(db, "audit", user="ana@example.com", action="sql", detail="SELECT 1",
                   at="2026-01-02T00:00:00+00:00")
    rows = journal.recent(db, "audit")
    assert [(r["user"], r["action"], r["detail"], r["at"]) for r in rows] == [
        ("ana@example.com", "sql", "SELECT 1", "2026-01-02T00:00:00+00:00"),
        ("local", "load", "a.csv", "2026-01-01T00:00:00+00:00"),
    ]
    assert journal.journal_path(db) == tmp_path / "journal.sqlite"


def test_undeclared_table_is_refused(tmp_path):
    with pytest.raises(ValueError, match="journal has no table 'nope'; declare it in etl/journal.sql"):
        journal.record(tmp_path / "pulse.duckdb", "nope", x=1)


def test_two_processes_write_at_once(tmp_path):
    db = tmp_path / "pulse.duckdb"
    code = (
        "import sys; from pathlib import Path; from etl import journal\n"
        "for i in range(50): journal.record(Path(sys.argv[1]), 'audit', user=sys.argv[2], action='sql', detail=str(i))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), who]) for who in ("a", "b")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    rows = journal.recent(db, "audit", limit=1000)
    assert sorted((r["user"], int(r["detail"])) for r in rows) == sorted(
        (who, i) for who in ("a", "b") for i in range(50)
    )


def test_a_writer_waits_while_another_process_holds_a_new_journals_lock(tmp_path):
    """Switching a new journal to WAL fails at once (no busy handler) while another connection holds
    its lock: what made two first writers at once fail "database is locked"."""
    db = tmp_path / "pulse.duckdb"
    holder = sqlite3.connect(journal.journal_path(db), isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (x)")  # the file exists, still in rollback mode
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO other VALUES (1)")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        journal.record(db, "audit", user="a", action="sql", detail="waited", at="2026-01-01T00:00:00+00:00")
    finally:
        release.join()
        holder.close()
    assert [(r["user"], r["detail"]) for r in journal.recent(db, "audit")] == [("a", "waited")]
