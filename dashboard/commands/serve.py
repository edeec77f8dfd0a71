"""`pulse serve`: run the Streamlit dashboard (also called by `pulse up` after loading)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from dashboard.commands._common import db_option, settings_for
from etl.settings import PROJECT_ROOT, Settings

APP = Path(__file__).resolve().parent.parent / "app.py"


def streamlit_command(settings: Settings) -> list[str]:
    """The `streamlit run` command line for these settings (headless, no usage statistics)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", settings.host,
        "--server.port", str(settings.port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--global.developmentMode", "false",
    ]


def serve_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["PULSE_DB"] = str(Path(settings.db).resolve())
    env["PULSE_INBOX"] = str(Path(settings.inbox).resolve())
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def start(settings: Settings, **popen: object) -> subprocess.Popen:
    """Start the dashboard server in the background and return the process (tests, benchmarks)."""
    return subprocess.Popen(streamlit_command(settings), env=serve_env(settings), cwd=PROJECT_ROOT, **popen)


def serve(settings: Settings) -> int:
    """Run the dashboard in the foreground until interrupted; returns Streamlit's exit code."""
    click.echo(f"Pulse dashboard on http://{settings.host}:{settings.port}  (warehouse {settings.db})", err=True)
    process = start(settings)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()


@click.command(name="serve")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8501).")
@db_option
def command(host: str | None, port: int | None, db: Path | None) -> None:
    """Serve the dashboard in a browser (Streamlit, headless)."""
    sys.exit(serve(settings_for(host=host, port=port, db=db)))
