"""Shared fixtures: every test gets its own warehouse, inbox and quarantine folder."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl.settings import Settings, load_settings
from etl.target import LakeTarget

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PULSE_"):
            monkeypatch.delenv(key)
    # Files in tests are written just before each load; tests of the settle time set their own.
    monkeypatch.setenv("PULSE_SETTLE_SECONDS", "0")


BACKENDS = ("file", "lake")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of modules marked `backends` run once per warehouse backend (the `backend` fixture,
    which every settings fixture requests); elsewhere the backend is the file."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "file")


_lakes = itertools.count(1)


def backend_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The settings that put a test's warehouse on `backend`: nothing for the file; for the lake a
    new database on the session's PostgreSQL and a data folder in tmp_path."""
    if backend == "file":
        return {}
    server = request.getfixturevalue("postgres_server")
    dsn = server.new_database(f"lake_{os.getpid()}_{next(_lakes)}")
    return {"warehouse": f"ducklake:postgres:{dsn}", "data_path": str(tmp_path / "lake")}


def warehouse_env(settings: Settings) -> dict[str, str]:
    """PULSE_* variables naming the settings' warehouse, for the app and `pulse` subprocesses."""
    env = {"PULSE_DB": os.fspath(settings.db)}
    if isinstance(settings.db, LakeTarget):
        env |= {"PULSE_WAREHOUSE": f"ducklake:{settings.db.catalog}", "PULSE_DATA_PATH": settings.db.data_path}
    return env


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return load_settings(
        db=tmp_path / "warehouse" / "pulse.duckdb", inbox=inbox, quarantine=tmp_path / "quarantine",
        **backend_settings(backend, request, tmp_path),
    )


def put(settings: Settings, *case_files: str, subdir: str = "") -> list[Path]:
    """Copy committed case files into the test's inbox."""
    target = settings.inbox / subdir
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(CASES / f, target / Path(f).name)) for f in case_files]


def run_pulse(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real `pulse` command in a second process."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, env=full_env,
        cwd=ROOT, timeout=timeout,
    )


# Real servers on loopback for the DuckLake backend (one per session, started only when a test asks).
from tests.servers.postgres import postgres_db, postgres_server  # noqa: E402, F401
from tests.servers.s3 import s3_server  # noqa: E402, F401
