"""The SQL fork server: a small single-threaded process that forks one worker per ad hoc query.

Run by `dashboard.sql.worker` as `python -m dashboard.sql.forkserver <control-fd>`. It imports
DuckDB and pyarrow once, so a query pays a fork, not a Python start, and it is single-threaded, so
forking it is safe (forking the threaded Streamlit server is not).

Protocol. Control socket (a SOCK_SEQPACKET pair with the parent): the parent sends a short
message with one end of a fresh per-query socketpair attached (SCM_RIGHTS); the server forks and
answers the child's pid as a JSON line. On the per-query socket (length-prefixed frames) the
child reads its job (JSON), writes a JSON header and the Arrow IPC payload; when the server reaps
the child it adds a last frame, {"status": wait status, "maxrss": bytes} (the child's own peak RSS
from wait4). The server exits when the parent closes the control socket.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import traceback

_FRAME = struct.Struct("!Q")
_REAP_EVERY_S = 0.5
WORKER_FAULT = 70  # the worker's exit code when our own code failed (traceback on stderr)


def send_frame(sock: socket.socket, data: bytes) -> None:
    sock.sendall(_FRAME.pack(len(data)) + data)


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def recv_frame(sock: socket.socket) -> bytes:
    """One length-prefixed frame; EOFError when the other side is gone."""
    head = _recv_exact(sock, _FRAME.size)
    return _recv_exact(sock, _FRAME.unpack(head)[0])


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the socket")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def cap_address_space(as_bytes: int) -> None:
    """RLIMIT_AS at the size now + as_bytes. Called after the warehouse is opened: attaching a
    DuckLake (postgres + ducklake extensions, libpq) maps ~1 GB of address space it never touches,
    which a cap taken at fork would count against the query."""
    cap = _status_kb("VmSize") * 1024 + int(as_bytes)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _run_child(out: socket.socket) -> None:
    """In the forked worker: own process group, run (capping the address space once the warehouse
    is open), two frames, exit."""
    os.setpgid(0, 0)
    job = json.loads(recv_frame(out))
    from dashboard.sql.worker import run_job  # imported by the server already

    header, payload = run_job(job)
    send_frame(out, json.dumps(header).encode("utf-8"))
    send_frame(out, payload)


def run_forked(out: socket.socket, keep: list[socket.socket]) -> int:
    """Fork a worker that runs the job arriving on `out`; the child closes `keep` first."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for sock in keep:
                sock.close()
            _run_child(out)
        except BaseException:  # noqa: BLE001 - whatever happens, the child never returns into the server loop
            traceback.print_exc()  # to the server's stderr: the parent's log
            code = WORKER_FAULT
        finally:
            os._exit(code)
    return pid


def _reap(children: dict[int, socket.socket]) -> None:
    while children:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        out = children.pop(pid, None)
        if out is not None:
            try:
                send_frame(out, json.dumps({"status": status, "maxrss": usage.ru_maxrss * 1024}).encode())
            except OSError:
                pass  # the parent gave up on this query
            out.close()


def serve(control: socket.socket) -> None:
    children: dict[int, socket.socket] = {}
    wake_r, wake_w = os.pipe()  # SIGCHLD wakes the loop at once, so a result is not held back
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    while True:
        ready, _, _ = select.select([control, wake_r], [], [], _REAP_EVERY_S)
        if wake_r in ready:
            os.read(wake_r, 4096)
        _reap(children)
        if control not in ready:
            continue
        message, fds, _flags, _addr = socket.recv_fds(control, 1 << 20, 1)
        if not message:
            break  # the parent closed the control socket: it is gone or done
        out = socket.socket(fileno=fds[0])
        pid = run_forked(out, [control, *children.values()])
        children[pid] = out
        control.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    for pid in list(children):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    _reap(children)


def main() -> None:
    import duckdb  # noqa: F401 - imported once here so every fork has it
    import pyarrow  # noqa: F401

    import dashboard.sql.worker  # noqa: F401
    from etl.read import warm_readers

    warm_readers()  # every fork then loads the lake's extensions without re-checking their signatures
    control = socket.socket(fileno=int(sys.argv[1]))
    serve(control)


if __name__ == "__main__":
    main()
