"""`pulse serve`: run the Streamlit dashboard (also called by `pulse up` after loading)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import click

from dashboard.commands import _serve_checks as serve_checks
from dashboard.commands._common import db_option, settings_for
from etl.settings import PROJECT_ROOT, Settings

APP = Path(__file__).resolve().parent.parent / "app.py"


def streamlit_command(settings: Settings, secrets: Path | None = None) -> list[str]:
    """The `streamlit run` command line for these settings (headless, no usage statistics)."""
    # sign-in: Streamlit reads [auth] from this run's private secrets file only, never the repo's
    only_secrets = ["--secrets.files", str(secrets)] if secrets else []
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", settings.host,
        "--server.port", str(settings.port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--global.developmentMode", "false",
        *only_secrets,
    ]


def serve_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["PULSE_DB"] = str(Path(settings.db).resolve())
    env["PULSE_WAREHOUSE"] = settings.warehouse  # the lake, when it is one (README "Scaling out")
    env["PULSE_DATA_PATH"] = settings.data_path
    env["PULSE_INBOX"] = str(Path(settings.inbox).resolve())
    # the app runs in the project folder: hand it the sign-in settings it reads (never the secrets)
    env["PULSE_ANONYMOUS_ROLE"] = settings.anonymous_role
    env["PULSE_AUTH_METADATA_URL"] = settings.auth_metadata_url
    env["PULSE_AUTH_ROLES_CLAIM"] = settings.auth_roles_claim
    env["PULSE_AUTH_ROLES_MAP"] = ",".join(f"{k}={v}" for k, v in settings.auth_roles_map.items())
    env["PULSE_AUTH_ROLES_FILE"] = str(Path(settings.auth_roles_file).resolve()) if settings.auth_roles_file else ""
    for name in ("PULSE_AUTH_CLIENT_SECRET", "PULSE_AUTH_COOKIE_SECRET"):
        env.pop(name, None)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("PULSE_PNG_WARM", "1")  # start the PNG renderer with the first chart, not on the first click
    return env


def start(settings: Settings, secrets: Path | None = None, **popen: object) -> subprocess.Popen:
    """Start the dashboard server in the background and return the process (tests, benchmarks)."""
    return subprocess.Popen(streamlit_command(settings, secrets), env=serve_env(settings), cwd=PROJECT_ROOT,
                            **popen)


def prepare(settings: Settings, allow_anonymous: bool = False, allow_anonymous_load: bool = False
            ) -> tuple[Settings, Path | None]:
    """Settings for the app and its secrets file, after the safe-default and provider checks."""
    if not settings.auth_metadata_url:
        role = serve_checks.anonymous_role(settings, allow_anonymous, allow_anonymous_load)
        return replace(settings, anonymous_role=role), None
    serve_checks.check_signin(settings)
    return settings, serve_checks.write_secrets(settings)


class _Terminated(Exception):
    pass


def _stop_on_term(*_: object) -> None:
    raise _Terminated


def serve(settings: Settings, allow_anonymous: bool = False, allow_anonymous_load: bool = False) -> int:
    """Run the dashboard in the foreground until interrupted; returns Streamlit's exit code."""
    settings, secrets = prepare(settings, allow_anonymous, allow_anonymous_load)
    signin = f"sign-in via {settings.auth_metadata_url}" if secrets else "no sign-in"
    click.echo(f"Pulse dashboard on http://{settings.host}:{settings.port}  (warehouse {settings.db}; {signin})",
               err=True)
    process = start(settings, secrets)
    signal.signal(signal.SIGTERM, _stop_on_term)  # a terminated serve stops its app and removes the secrets
    try:
        return process.wait()
    except (KeyboardInterrupt, _Terminated):
        process.terminate()
        return process.wait()
    finally:
        if secrets:
            shutil.rmtree(secrets.parent, ignore_errors=True)


def anonymous_options(fn):
    fn = click.option("--allow-anonymous-load", is_flag=True,
                      help="Without sign-in on another address: let anyone upload and load too.")(fn)
    return click.option("--allow-anonymous", is_flag=True,
                        help="Serve another address than 127.0.0.1 without sign-in (prints a warning).")(fn)


@click.command(name="serve")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8501).")
@anonymous_options
@db_option
def command(host: str | None, port: int | None, db: Path | None, allow_anonymous: bool,
            allow_anonymous_load: bool) -> None:
    """Serve the dashboard in a browser (Streamlit, headless)."""
    sys.exit(serve(settings_for(host=host, port=port, db=db), allow_anonymous, allow_anonymous_load))
