"""`pulse serve` refuses an exposed address without sign-in, and a sign-in that cannot work, in one line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.commands.serve import prepare
from etl.settings import PROJECT_ROOT, load_settings
from tests.auth.provider import register_client, stop_group, wait_answers
from tests.loopback import free_port

PULSE = str(Path(sys.executable).with_name("pulse"))


def pulse_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env["PULSE_CONFIG"] = os.devnull  # no pulse.toml of the developer's
    env.update({f"PULSE_{k.upper()}": v for k, v in settings.items()})
    return env


def serve_refusal(tmp_path, *args: str, command: str = "serve", **settings: str) -> tuple[int, str]:
    """Exit code and stderr of a `pulse serve` (or `pulse up`) that must stop before it listens."""
    try:
        done = subprocess.run([PULSE, command, "--db", str(tmp_path / "pulse.duckdb"), *args], env=pulse_env(**settings),
                              capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT, start_new_session=True)
    except subprocess.TimeoutExpired:
        pytest.fail("pulse serve started instead of refusing")
    return done.returncode, done.stderr


@pytest.mark.parametrize("command", ["serve", "up"])  # up refuses before its load, not after
def test_exposed_without_signin_is_refused(tmp_path, command):
    code, err = serve_refusal(tmp_path, "--host", "0.0.0.0", "--port", str(free_port()), command=command)
    assert (code, err) == (1, 'Error: pulse serve --host 0.0.0.0 without sign-in lets anyone who reaches it use the '
                              'app; set auth_metadata_url (README "Serving to your team") or pass --allow-anonymous.\n')


def test_allow_anonymous_warns_and_keeps_load_off(capsys):
    settings = load_settings(host="0.0.0.0")
    assert prepare(settings, allow_anonymous=True)[0].anonymous_role == "analyst"
    assert "upload and load stay off (they need --allow-anonymous-load)" in capsys.readouterr().err
    assert prepare(settings, allow_anonymous=True, allow_anonymous_load=True)[0].anonymous_role == "maintainer"
    assert "may query, upload and load (--allow-anonymous-load)" in capsys.readouterr().err
    assert prepare(load_settings(host="127.0.0.1"))[0].anonymous_role == "maintainer"  # local use as today


@pytest.fixture
def signin(provider):
    """Sign-in settings that work: a client registered for the port serve will bind."""
    port = free_port()
    client_id, secret = register_client(provider, f"http://localhost:{port}/oauth2callback")
    return port, {"auth_metadata_url": f"{provider}/.well-known/openid-configuration",
                  "auth_client_id": client_id, "auth_client_secret": secret}


WRONG = {
    "secret": ({"auth_client_secret": "not-the-secret"}, "auth_client_secret: the provider refuses this client secret."),
    "client": ({"auth_client_id": "nobody"}, "auth_client_id: the provider does not know client 'nobody'."),
    "unregistered redirect": ({"auth_redirect_url": "http://127.0.0.1:{port}/oauth2callback"},
                              "auth_redirect_url: the provider refuses http://127.0.0.1:{port}/oauth2callback for "
                              "this client; register it with the provider or correct the setting."),
    "redirect port": ({"auth_redirect_url": "http://localhost:1/oauth2callback"},
                      "auth_redirect_url http://localhost:1/oauth2callback names port 1, but pulse serve listens "
                      "on {port}."),
    "redirect path": ({"auth_redirect_url": "http://localhost:{port}/"},
                      "auth_redirect_url http://localhost:{port}/ must be http(s)://HOST:PORT/oauth2callback."),
    "no secret": ({"auth_client_secret": ""}, "auth_client_secret is not set; sign-in needs it (auth_metadata_url is set)."),
}


@pytest.mark.parametrize("case", list(WRONG))
def test_wrong_setting_stops_serve_in_one_line(tmp_path, signin, case):
    port, good = signin
    change, message = WRONG[case]
    settings = {**good, **{k: v.format(port=port) for k, v in change.items()}}
    code, err = serve_refusal(tmp_path, "--port", str(port), **settings)
    assert (code, err) == (1, f"Error: {message.format(port=port)}\n")


def test_provider_down_stops_serve_in_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    code, err = serve_refusal(tmp_path, "--port", str(free_port()), auth_metadata_url=url,
                              auth_client_id="pulse", auth_client_secret="s")
    assert (code, err) == (1, f"Error: auth_metadata_url {url} does not answer ([Errno 111] Connection refused).\n")


def test_good_signin_serves_with_private_secrets(tmp_path, signin):
    port, good = signin
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([PULSE, "serve", "--port", str(port), "--db", str(tmp_path / "pulse.duckdb")],
                                   env=pulse_env(**good), stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
                                   start_new_session=True)
    try:
        wait_answers(f"http://127.0.0.1:{port}/_stcore/health", process, log)
        secrets = secrets_file_of(process.pid)
        assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
        assert not secrets.is_relative_to(PROJECT_ROOT)
        assert f'client_secret = "{good["auth_client_secret"]}"' in secrets.read_text()
    finally:
        stop_group(process)
    assert not secrets.exists()  # the run's folder goes with the run


def secrets_file_of(pid: int) -> Path:
    """The --secrets.files argument of the streamlit child of `pulse serve`."""
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        args = Path(f"/proc/{child}/cmdline").read_bytes().decode().split("\0")
        if "--secrets.files" in args:
            return Path(args[args.index("--secrets.files") + 1])
    raise AssertionError("pulse serve started streamlit without a secrets file")
