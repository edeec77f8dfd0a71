"""Review of held values: maintainers only, and each decision is in the audit with the signed-in user."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from etl import journal
from etl.pipeline import run_load
from etl.read import query
from etl.settings import load_settings
from tests.auth.test_roles import signed_in
from tests.conftest import CASES, ROOT


@pytest.fixture(scope="module")
def bundled_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundled")
    shutil.copytree(ROOT / "data" / "inbox", root / "inbox")
    settings = load_settings(db=root / "warehouse" / "pulse.duckdb", inbox=root / "inbox",
                             quarantine=root / "quarantine")
    assert run_load(settings).count("rejected") == 0
    return settings.db


@pytest.fixture
def held(settings, bundled_db):
    """A warehouse with one value held for review (a figure conflicting with the current one)."""
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundled_db, settings.db)
    shutil.copy(CASES / "review" / "conflicting_figure.txt", settings.inbox / "conflicting_figure.txt")
    assert run_load(settings, published=date(2025, 11, 20)).count("rejected") == 0
    return query(settings.db, "SELECT review_id FROM v_conflicts WHERE series_id = 'cii_2015base'").item()


def test_review_is_for_maintainers_and_audited(settings, held, signin_on):
    analyst = signed_in("ana@example.com", "pulse-analysts", page="screens/sources.py")
    assert f"accept_{held}" not in [b.key for b in analyst.button]
    keeper = signed_in("maya@example.com", "pulse-admins", page="screens/sources.py")
    keeper.button(key=f"accept_{held}").click().run()
    assert not keeper.exception
    row = journal.recent(settings.db, "audit")[0]
    # etl.review writes the row (the CLI's decisions too); the page hands it the signed-in user
    assert (row["user"], row["action"]) == ("maya@example.com", "review")
    assert row["detail"].startswith(f"accept {held}: conflicts with the current value")
