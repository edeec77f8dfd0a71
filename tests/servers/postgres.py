"""A real PostgreSQL server on loopback for the DuckLake catalog tests (Debian's `postgresql` package).

One server per test session (`postgres_server`), one fresh database per test (`postgres_db`), so a
test costs a `CREATE DATABASE` and not an `initdb`. The cluster lives in a temporary folder owned by
the user that runs it: PostgreSQL refuses to run as root, so under root it runs as the system user
`pulsepg` (created when missing). At the end it is stopped and every one of its processes is gone.

Why not the process group alone: each PostgreSQL child calls setsid(), so it leaves the postmaster's
group. What they all share is their working directory, the data folder, and that is what `stop`
waits on (`processes_in`).
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.loopback import free_port

SYSTEM_USER = "pulsepg"  # who runs the server when the tests run as root
NOT_INSTALLED = ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
                 "run scripts/setup.sh, which installs Debian's postgresql package.")
# Test speed, not durability: a crashed test server is thrown away anyway.
SPEED_SETTINGS = {
    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "autovacuum": "off",
    "shared_buffers": "32MB", "max_connections": "200", "max_wal_size": "1GB", "checkpoint_timeout": "30min",
    "wal_level": "minimal", "max_wal_senders": "0", "logging_collector": "off", "log_min_messages": "warning",
}
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def server_user() -> pwd.struct_passwd:
    """The current user, or under root the system user `pulsepg` (created with useradd if missing)."""
    if os.getuid() != 0:
        return pwd.getpwuid(os.getuid())
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
                       check=True, capture_output=True)
        return pwd.getpwnam(SYSTEM_USER)


def die_with_parent() -> list[str]:
    """A command prefix: if the test process dies without stopping the server, the postmaster gets
    SIGINT (a fast stop). util-linux's setpriv, not a preexec_fn, which is unsafe with threads."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "INT"] if setpriv else []


def processes_in(folder: Path) -> list[int]:
    """Pids whose working directory is `folder`: the postmaster and every child it started."""
    target = str(folder)
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if os.readlink(proc / "cwd") == target:
                pids.append(int(proc.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return pids


@dataclass
class PostgresServer:
    """A running server: `new_database(name)` creates a database and returns its libpq DSN."""

    bin: Path
    root: Path  # the temporary folder: data/, the socket, postgres.log
    host: str = "127.0.0.1"
    port: int = 0
    user: str = ""
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def dsn(self, dbname: str) -> str:
        return f"dbname={dbname} host={self.host} port={self.port} user={self.user}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        done = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                               "-h", self.host, "-p", str(self.port), "-U", self.user, "-d", dbname, "-c", sql],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"psql on {self.dsn(dbname)}: {sql!r} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def new_database(self, name: str) -> str:
        if not NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain database name (lower-case letters, digits, _)")
        # FILE_COPY: copies template1's few files; PostgreSQL 15's default (WAL_LOG) writes each page to WAL
        self.psql(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')
        return self.dsn(name)

    def start(self) -> None:
        account = server_user()
        self.user = account.pw_name
        os.chown(self.root, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if os.getuid() == 0 else {}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "HOME": str(self.root)}
        initdb = subprocess.run([str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
                                 "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                                capture_output=True, text=True, env=env, cwd=self.root, timeout=120, **as_user)
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb into {self.data} failed: {initdb.stderr.strip()}")
        self.port = free_port()
        settings = [arg for key, value in SPEED_SETTINGS.items() for arg in ("-c", f"{key}={value}")]
        with self.log.open("w") as out:
            os.chown(self.log, account.pw_uid, account.pw_gid)
            self.process = subprocess.Popen(
                [*die_with_parent(), str(self.bin / "postgres"), "-D", str(self.data), "-k", str(self.root), "-h", self.host,
                 "-p", str(self.port), *settings],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.root, start_new_session=True, **as_user)
        self.wait_ready()

    def wait_ready(self, limit_s: float = 60) -> None:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres on port {self.port} exited at start:\n{self.log.read_text()}")
            ready = subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", self.host, "-p", str(self.port),
                                    "-U", self.user, "-d", "postgres"], capture_output=True)
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"postgres on port {self.port} was not ready in {limit_s:.0f} s:\n{self.log.read_text()}")

    def stop(self, grace_s: float = 30) -> None:
        """Fast shutdown (SIGINT ends the sessions), SIGKILL what is left, then remove the folder."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGINT)
                self.process.wait(timeout=grace_s)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=grace_s)
        self._kill_stragglers(grace_s)
        shutil.rmtree(self.root, ignore_errors=True)

    def _kill_stragglers(self, grace_s: float) -> None:
        # children the postmaster left (killed hard, it could not wait for them); they sit in data/
        deadline = time.monotonic() + grace_s
        while (left := processes_in(self.data)) and time.monotonic() < deadline:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        if left:
            raise RuntimeError(f"PostgreSQL processes {left} survived the stop of the server in {self.data}")


def temp_base() -> str:
    """Where the server's folder goes: the temp dir, unless another user could not enter it (under
    root the server runs as pulsepg; pytest's tmp_path is root's 0700) or the socket path
    (<folder>/.s.PGSQL.<port>, at most 107 bytes) would be too long: then /tmp."""
    base = tempfile.gettempdir()
    parts = Path(base).resolve().parents
    enterable = all(os.stat(p).st_mode & 0o001 for p in (Path(base).resolve(), *parts))
    return base if (enterable or os.getuid() != 0) and len(base) < 60 else "/tmp"


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A fresh server in its own temporary folder, stopped (and removed) on exit."""
    pg_bin = bin_dir()
    if pg_bin is None:
        pytest.fail(NOT_INSTALLED, pytrace=False)
    server = PostgresServer(bin=pg_bin, root=Path(tempfile.mkdtemp(prefix="pulse-pg-", dir=temp_base())))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


_numbers = itertools.count(1)


@pytest.fixture
def postgres_db(postgres_server: PostgresServer) -> str:
    """The DSN of a new, empty database on the session's server (one per test)."""
    return postgres_server.new_database(f"test_{next(_numbers)}")
