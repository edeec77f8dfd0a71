"""Each ad hoc query runs in its own worker process, so its memory and time are enforced from outside.

DuckDB's `memory_limit` does not bound every operator (`unnest(generate_series(1, 3e9))` grew to
24 GB under a 1 GB limit) and its `interrupt()` is not checked inside every function (a
`regexp_replace` over 100 MB ran 14.8 s past a 1 s limit). So the query runs in a child process that
  - caps its own address space (`RLIMIT_AS`: its size at fork + the memory limit + a margin), so an
    allocation past the cap fails inside the child (DuckDB OutOfMemory, Python MemoryError) or
    kills the child, never the server;
  - runs DuckDB with the same `memory_limit` and `threads`, so most queries stop in DuckDB's own way;
  - is SIGKILLed with its process group by the parent at the deadline, whatever it is doing.

Workers are forked by `dashboard.sql.forkserver`, started once per parent process (the app, or
`pulse sql`) on first use, with DuckDB and pyarrow imported: a query pays a fork, not a Python
start. The child sends back a JSON header and the rows as Arrow IPC (the app) or as JSON lists of
text cells (`pulse sql`, which so never imports pyarrow); nothing is unpickled.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard.sql.errors import SqlError, SqlRefused
from dashboard.sql.forkserver import WORKER_FAULT, cap_address_space, recv_frame, send_frame
from etl.errors import PulseError, WarehouseMissing
from etl.read import target_from_text, target_text
from etl.settings import PROJECT_ROOT

# Address space a worker may take beyond its size at fork, as a share of the memory limit: room
# for the result's Arrow copy and allocations outside DuckDB's buffer manager.
AS_MARGIN = 0.15
# ... and at least this much, for thread stacks and thread-local data under small limits
AS_FLOOR = 64 * 2**20
# DuckDB's own limit, as a share of the cap, so its buffer manager refuses before the rlimit bites.
DUCKDB_SHARE = 0.8
if TYPE_CHECKING:  # the app's fork server uses it; `pulse sql` forks directly and never does
    import subprocess

_ERRORS: dict[str, type[PulseError]] = {"SqlRefused": SqlRefused, "SqlError": SqlError,
                                        "WarehouseMissing": WarehouseMissing, "PulseError": PulseError}


@dataclass(frozen=True)
class WorkerStats:
    """What the parent learnt about one worker: its pid, peak RSS (bytes) and how it ended."""

    pid: int
    peak_rss: int
    ended: str  # "result", "deadline" or "died"
    status: int | None  # the wait status the fork server reported


def memory_bytes(limit: str) -> int:
    """DuckDB's size notation ('1GB' = 10^9, '1GiB' = 2^30, '500MB', '64MiB') as bytes."""
    text = limit.strip().upper().replace(" ", "")
    units = {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40,
             "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "B": 1}
    for unit, factor in units.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(float(text))


class ForkServer:
    """The per-process fork server: started on first use, replaced if it died, closed at exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._control: socket.socket | None = None

    def _start(self) -> None:
        import subprocess

        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]))
        self._proc = subprocess.Popen([sys.executable, "-m", "dashboard.sql.forkserver", str(theirs.fileno())],
                                      pass_fds=[theirs.fileno()], cwd=PROJECT_ROOT, env=env,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self._control = mine

    def ensure_started(self) -> None:
        """Start the server now (the page does, so the first Run does not wait for its imports)."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()

    def fork(self) -> tuple[int, socket.socket]:
        """A fresh worker's pid and our end of its socket."""
        ours, theirs = socket.socketpair()
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            assert self._control is not None
            socket.send_fds(self._control, [b"job"], [theirs.fileno()])
            reply = self._control.recv(4096)
        theirs.close()
        if not reply:
            raise PulseError("the SQL worker could not be started; try again")
        return int(json.loads(reply)["pid"]), ours

    def close(self) -> None:
        import subprocess

        with self._lock:
            if self._control is not None:
                self._control.close()  # the server sees EOF, kills its workers and exits
                self._control = None
            if self._proc is not None:
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
                self._proc = None


    def exit_info(self, pid: int, sock: socket.socket) -> dict[str, Any]:
        """The server's last frame for this worker (wait status, peak RSS); {} if it does not come."""
        if not select.select([sock], [], [], 5.0)[0]:
            return {}
        try:
            return json.loads(recv_frame(sock))
        except (EOFError, OSError, ValueError):
            return {}


class DirectFork:
    """A one-shot process (`pulse sql`) forks its worker itself instead of starting a server.

    Safe only where the process is as quiet as the server: no threads (the CLI imports no polars
    and no pyarrow, and opens no DuckDB connection before the query).
    """

    def fork(self) -> tuple[int, socket.socket]:
        from dashboard.sql.forkserver import run_forked

        ours, theirs = socket.socketpair()
        pid = run_forked(theirs, [ours])
        theirs.close()
        return pid, ours

    def exit_info(self, pid: int, sock: socket.socket) -> dict[str, Any]:
        _, status, usage = os.wait4(pid, 0)
        return {"status": status, "maxrss": usage.ru_maxrss * 1024}


SERVER = ForkServer()
atexit.register(SERVER.close)
_forker: ForkServer | DirectFork = SERVER


def use_direct_fork() -> None:
    """For `pulse sql`: fork from this process, saving the fork server's start (~0.5-2 s)."""
    global _forker
    _forker = DirectFork()


def run_job(job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """In the worker: run the checked query; (header, Arrow IPC bytes). Never raises."""
    from dashboard.sql.sandbox import SandboxLimits, execute_in_sandbox

    limits = SandboxLimits(**job["limits"])
    encoding = job.get("encoding", "arrow")
    _block_optional_imports(encoding)
    try:
        rows, truncated, columns, types, elapsed = execute_in_sandbox(
            target_from_text(job["db"]), job["sql"], job["values"], limits, job["duckdb_memory"], encoding,
            after_open=lambda: cap_address_space(job["as_bytes"]))
        payload = _arrow_ipc(rows) if encoding == "arrow" else json.dumps(rows, ensure_ascii=False).encode()
        return {"ok": True, "truncated": truncated, "columns": columns, "types": types,
                "elapsed": elapsed}, payload
    except PulseError as exc:
        return {"ok": False, "kind": type(exc).__name__, "message": str(exc)}, b""
    except MemoryError:
        return {"ok": False, "kind": "memory", "message": ""}, b""


def _block_optional_imports(encoding: str) -> None:
    """DuckDB 1.5 imports pandas (and numpy) when it binds a parameter, if they are installed: 1-3 s
    inside the query's time limit. Not yet imported here, they are marked absent for this child,
    which DuckDB handles as "not installed"; the text encodings need no pyarrow either."""
    for name in ("pandas",) if encoding == "arrow" else ("pandas", "numpy", "pyarrow"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def _arrow_ipc(table: Any) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _job(db: Path, sql: str, values: dict[str, Any], limits: Any, encoding: str) -> dict[str, Any]:
    cap = memory_bytes(limits.memory_limit)
    return {"db": target_text(db), "sql": sql, "values": values, "limits": asdict(limits), "encoding": encoding,
            "as_bytes": max(int(cap * (1 + AS_MARGIN)), cap + AS_FLOOR), "duckdb_memory": f"{int(cap * DUCKDB_SHARE)}B"}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:  # the worker had not made its own group yet
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _frames_until(sock: socket.socket, deadline: float) -> tuple[str, list[bytes]]:
    """("result", [header, payload]), ("deadline", []) or ("died", [exit frame, if the server sent one])."""
    frames: list[bytes] = []
    while len(frames) < 2:
        left = deadline - time.perf_counter()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return "deadline", []
        try:
            frames.append(recv_frame(sock))
        except EOFError:
            return "died", []
        if len(frames) == 1 and "status" in json.loads(frames[0]):
            return "died", frames  # the exit frame came first: the worker died without answering
    return "result", frames


def run_in_worker(db: Path, sql: str, values: dict[str, Any], limits: Any, on_stats: Any = None,
                  encoding: str = "arrow") -> tuple[Any, bool, list[str], list[str], float]:
    """Run a checked query in a fresh worker under hard limits; results and refusals as in process."""
    forker = _forker
    pid, sock = forker.fork()
    deadline = time.perf_counter() + limits.timeout_s  # from the fork: starting the server is not the query's
    try:
        send_frame(sock, json.dumps(_job(db, sql, values, limits, encoding)).encode("utf-8"))
        ended, frames = _frames_until(sock, deadline)
        if ended == "deadline":
            _kill_group(pid)
        exit_info = json.loads(frames[0]) if ended == "died" and frames else forker.exit_info(pid, sock)
    finally:
        sock.close()
    if on_stats is not None:
        on_stats(WorkerStats(pid, int(exit_info.get("maxrss", 0)), ended, exit_info.get("status")))
    if ended == "deadline":
        raise SqlRefused(_time_message(limits))
    if ended == "died":
        raise _death(exit_info.get("status"), limits)
    return _outcome(json.loads(frames[0]), frames[1], limits, encoding)


def _death(status: int | None, limits: Any) -> PulseError:
    """A worker that died without answering. Our own code only exits 0 or WORKER_FAULT (with a
    traceback in the log); a signal or any other exit code comes from the runtime aborting under
    the address-space cap (glibc: "cannot allocate memory for thread-local data", exit 127)."""
    if status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == WORKER_FAULT:
        return PulseError("the SQL worker failed; the server log has the details; try again")
    return SqlRefused(_memory_message(limits))


def _time_message(limits: Any) -> str:
    from dashboard.sql.sandbox import time_message

    return time_message(limits)


def _memory_message(limits: Any) -> str:
    from dashboard.sql.sandbox import memory_message

    return memory_message(limits)


def _outcome(header: dict[str, Any], payload: bytes, limits: Any,
             encoding: str) -> tuple[Any, bool, list[str], list[str], float]:
    if not header["ok"]:
        if header["kind"] == "memory":
            raise SqlRefused(_memory_message(limits))
        raise _ERRORS.get(header["kind"], PulseError)(header["message"])
    if encoding == "arrow":
        import pyarrow as pa

        table = pa.ipc.open_stream(payload).read_all()
    else:
        table = json.loads(payload)
    return table, header["truncated"], header["columns"], header["types"], header["elapsed"]
