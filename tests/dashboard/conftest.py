"""Fixtures: a temporary warehouse per test, loaded through the real pipeline from small real files."""

from __future__ import annotations

import shutil

import pytest

from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings
from tests.conftest import backend_settings, warehouse_env

CASES = PROJECT_ROOT / "tests" / "cases" / "dashboard"
APP = str(PROJECT_ROOT / "dashboard" / "app.py")


@pytest.fixture
def settings(tmp_path, monkeypatch, backend, request):
    """Settings pointing at a temporary warehouse and inbox; the app reads PULSE_DB (and, for a
    lake, PULSE_WAREHOUSE / PULSE_DATA_PATH)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    s = load_settings(db=tmp_path / "wh" / "pulse.duckdb", inbox=inbox, quarantine=tmp_path / "quarantine",
                      **backend_settings(backend, request, tmp_path))
    for key, value in warehouse_env(s).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PULSE_INBOX", str(inbox))
    monkeypatch.setenv("PULSE_QUARANTINE", str(s.quarantine))
    return s


@pytest.fixture
def loaded(settings):
    """A warehouse holding a subset of the reference history (real published figures)."""
    shutil.copy(CASES / "reference_subset.csv", settings.inbox / "reference_subset.csv")
    result = run_load(settings)
    assert result.published_version == 1
    return settings


@pytest.fixture
def with_plant(loaded):
    """The reference subset plus 45 days of simulated plant logs, loaded through the pipeline."""
    from datetime import date

    from etl.plant.simulate import SimConfig, simulate

    simulate(SimConfig(date(2025, 7, 1), 45, seed=7, weld_interval_s=120.0, group="month"),
             loaded.inbox / "plant")
    assert run_load(loaded).exit_code == 0
    return loaded


def app_test(page: str | None = None, lang: str | None = None, **params: str):
    """An AppTest of the whole app (navigation included), switched to `page` (e.g. 'screens/explore.py')."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    if lang:
        at.session_state["lang"] = lang
    return at


def texts(at) -> str:
    """All visible text of an AppTest run, for assertions on what a person would read."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    return "\n".join(parts)
