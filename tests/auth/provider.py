"""A real OpenID Connect provider on loopback (oidc-provider-mock) in its own process group."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.loopback import free_port


@contextmanager
def running_provider(log: Path, register: bool = False, port: int | None = None):
    """Yield the provider's base URL; with `register`, clients must register (so secrets are checked)."""
    port = port or free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    if register:
        args += ["--require-registration"]
    with log.open("w") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_answers(f"{base}/.well-known/openid-configuration", process, log)
        yield base
    finally:
        stop_group(process)


def wait_answers(url: str, process: subprocess.Popen, log: Path, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer:\n{log.read_text()}")


def stop_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def register_client(base: str, redirect_uri: str) -> tuple[str, str]:
    """(client id, client secret) of a client registered for `redirect_uri`."""
    body = json.dumps({"redirect_uris": [redirect_uri]}).encode()
    request = urllib.request.Request(f"{base}/oauth2/clients", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        client = json.loads(response.read())
    return client["client_id"], client["client_secret"]


def set_user(base: str, sub: str, claims: dict) -> None:
    request = urllib.request.Request(f"{base}/users/{urllib.parse.quote(sub)}", json.dumps(claims).encode(),
                                     {"Content-Type": "application/json"}, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
