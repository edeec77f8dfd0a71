"""A load whose commit conflicts with another writer's runs again, a bounded number of times.

Deterministic: the load under test stops at its publish, and while it waits a second `pulse load`
(another process, another inbox) commits on the same new lake; both created Pulse's schema, so
the first one's commit conflicts."""

from __future__ import annotations

import shutil

import pytest

from etl import pipeline, warehouse
from etl.errors import PulseError
from etl.read import query
from tests.conftest import CASES, run_pulse, warehouse_env


@pytest.fixture
def backend() -> str:
    return "lake"


@pytest.fixture
def other_writer_first(settings, tmp_path, monkeypatch):
    """At this load's first publish, another process loads another file into the same lake."""
    other = tmp_path / "other-inbox"
    other.mkdir()
    shutil.copy(CASES / "tables" / "long_utf8.csv", other)
    shutil.copy(CASES / "tables" / "wide_nbs_monthly_gbk.csv", settings.inbox)
    calls = []

    def pause_at(stage: str) -> None:
        if stage == "publish" and not calls:
            calls.append(stage)
            done = run_pulse("load", env={**warehouse_env(settings), "PULSE_INBOX": str(other),
                                          "PULSE_QUARANTINE": str(tmp_path / "q2"), "PULSE_SETTLE_SECONDS": "0"})
            assert done.returncode == 0, done.stderr

    monkeypatch.setattr(pipeline, "pause_at", pause_at)
    return settings


def test_the_load_runs_again_and_both_land(other_writer_first, caplog):
    result = pipeline.run_load(other_writer_first)
    assert result.count("loaded") == 1 and result.published_version == 2
    assert "another writer committed first" in caplog.text and "attempt 2 of 5" in caplog.text
    files = query(other_writer_first.db, "SELECT file_name FROM documents ORDER BY 1").to_series().to_list()
    assert files == ["long_utf8.csv", "wide_nbs_monthly_gbk.csv"]


def test_when_every_attempt_conflicts_the_load_fails_in_one_sentence(other_writer_first, monkeypatch):
    monkeypatch.setattr(warehouse, "MAX_TRIES", 1)
    with pytest.raises(PulseError, match=r"^the load could not commit in 1 attempt\(s\): another writer changed the "
                                         r"lake first each time \(.*\); nothing of it was published, run it again\.$"):
        pipeline.run_load(other_writer_first)
    files = query(other_writer_first.db, "SELECT file_name FROM documents").to_series().to_list()
    assert files == ["long_utf8.csv"]  # only the other writer's
