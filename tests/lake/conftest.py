"""A DuckLake per test (catalog: a new database on the session's PostgreSQL; data: tmp_path) and real
`pulse load` processes that write into it.

The two "plants" are the simulator's two lines: the welding line of smelter1 and the gallium line
of alumina1, each with its own inbox, so two loads of different plants' logs can run at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from etl.read import connect_readonly
from etl.settings import Settings, load_settings
from tests.conftest import ROOT, run_pulse

PLANTS = {"smelter1": "weld", "alumina1": "gallium"}  # plant -> the simulator's file kind
STATE = """SELECT (SELECT id FROM pulse.current_snapshot()),
                  (SELECT count(*) FROM welds_raw() WHERE plant = 'smelter1'),
                  (SELECT count(*) FROM gallium_raw() WHERE plant = 'alumina1'),
                  (SELECT count(*) FROM loads), (SELECT count(*) FROM documents),
                  (SELECT count(*) FROM observations)"""


@dataclass(frozen=True)
class PlantLogs:
    files: dict[str, list[Path]]  # plant -> its simulated log files
    rows: dict[str, int]  # plant -> data rows in them (lines less the header)


@pytest.fixture(scope="session")
def plant_logs(tmp_path_factory) -> PlantLogs:
    """Three days of both lines from `pulse simulate` (a weld every 20 s per robot: 77 760 welds)."""
    out = tmp_path_factory.mktemp("simulated")
    done = run_pulse("simulate", "--days", "3", "--start", "2026-01-05", "--seed", "15", "--weld-interval", "20",
                     "--out", str(out))
    assert done.returncode == 0, done.stderr
    files = {plant: sorted(out.glob(f"sim_{kind}_*.csv")) for plant, kind in PLANTS.items()}
    rows = {plant: sum(len(f.read_text(encoding="utf-8").splitlines()) - 1 for f in fs) for plant, fs in files.items()}
    assert all(files.values()) and all(rows.values()), (files, rows)
    return PlantLogs(files, rows)


@dataclass
class Lake:
    root: Path
    dsn: str
    data_path: str = ""  # empty: the folder data/ in root
    more: dict[str, str] = field(default_factory=dict)  # other settings (the S3 ones), by name

    @property
    def data(self) -> str:
        return self.data_path or str(self.root / "data")

    @property
    def home(self) -> Path:
        return self.root / "home" / "pulse.duckdb"  # the journal and log sit beside it

    def env(self, inbox: Path, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
        env.update(PULSE_WAREHOUSE=f"ducklake:postgres:{self.dsn}", PULSE_DATA_PATH=self.data,
                   PULSE_DB=str(self.home), PULSE_INBOX=str(inbox), PULSE_QUARANTINE=str(self.root / "quarantine"),
                   PULSE_SETTLE_SECONDS="0")
        env.update({f"PULSE_{name.upper()}": value for name, value in self.more.items()})
        env.update(extra)
        return env

    @property
    def settings(self) -> Settings:
        return load_settings(warehouse=f"ducklake:postgres:{self.dsn}", data_path=self.data, db=self.home,
                             inbox=self.root / "inbox-none", quarantine=self.root / "quarantine", **self.more)

    def inbox(self, name: str, files: list[Path] = ()) -> Path:
        """A plant's inbox: its log files under plant/, as the MES drops them."""
        folder = self.root / f"inbox-{name}"
        (folder / "plant").mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copy(f, folder / "plant" / f.name)
        return folder

    def load(self, inbox: Path) -> subprocess.CompletedProcess:
        done = run_pulse("load", env=self.env(inbox), timeout=280)
        assert done.returncode == 0, f"pulse load of {inbox} failed:\n{done.stdout}\n{done.stderr}"
        return done

    def start(self, args: list[str], log: Path, inbox: Path | None = None, **extra_env: str) -> subprocess.Popen:
        """A real process on this lake in its own session (killed as a group by the test)."""
        with log.open("w") as out:
            return subprocess.Popen([sys.executable, *args], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                    env=self.env(inbox or self.root / "inbox-none", **extra_env),
                                    start_new_session=True)

    def state(self) -> dict[str, int]:
        """What a reader sees now: snapshot id, telemetry rows per plant, loads, documents, observations."""
        con = connect_readonly(self.settings.db)
        try:
            row = con.execute(STATE).fetchone()
        finally:
            con.close()
        return dict(zip(("snapshot", "smelter1", "alumina1", "loads", "documents", "observations"), row, strict=True))


@pytest.fixture
def lake(postgres_db: str, tmp_path: Path) -> Lake:
    """A new, empty lake: its catalog database exists, the first `pulse load` creates the schema."""
    return Lake(tmp_path, postgres_db)


def wait_for(path: Path, process: subprocess.Popen, log: Path) -> None:
    """Until `path` exists (a state the process reaches, not a time); fails if the process ends first."""
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the process ended (exit {process.returncode}) before writing {path.name}:\n"
                                 f"{log.read_text()}")
        time.sleep(0.05)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process and everything in its group; reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)
