"""The `pulse` executable: `pulse sql` with plain arguments skips click, everything else is click's.

Importing click is about a third of what `pulse sql "SELECT 1"` costs beyond DuckDB's own start
(docs/benchmarks.md), and a query from a script or a shell loop is the command run most often.
So dashboard.sql.command_line recognizes the plain forms itself and hands anything unusual
(--help, a bad value, a missing query, `--opt=value`) to dashboard.cli, whose messages are the one
source of usage errors. Both paths run the same body and report errors through `guarded`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from etl.errors import PulseError
from etl.settings import SettingsError


def run() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["sql"]:
        from dashboard.sql import command_line

        args = command_line.parse_args(argv[1:])
        if args is not None:
            _as_click_would(guarded, command_line.run, args)
            return
    from dashboard.cli import main

    main()


def guarded(work, *args, passed_on: tuple[type[BaseException], ...] = ()):
    """Run `work(*args)`: a PulseError becomes one line and its exit code, anything unexpected one
    line naming the log that holds the traceback (PULSE_DEBUG=1 shows it instead)."""
    try:
        return work(*args)
    except (PulseError, SettingsError) as exc:
        import logging

        logging.getLogger("pulse").debug("command failed", exc_info=True)
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 1))
    except (SystemExit, KeyboardInterrupt, *passed_on):
        raise
    except Exception as exc:
        if os.environ.get("PULSE_DEBUG"):
            raise
        log_file = _write_traceback()
        print(f"Error: unexpected {type(exc).__name__}: {exc} (traceback in {log_file}; "
              "set PULSE_DEBUG=1 to see it here).", file=sys.stderr)
        sys.exit(1)


def _as_click_would(*call) -> None:
    """What click's standalone mode does around a command: Ctrl-C and a closed pipe end quietly."""
    try:
        call[0](*call[1:])
    except KeyboardInterrupt:
        print("\nAborted!", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:  # `pulse sql ... | head`: stop writing, no traceback at exit
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the interpreter flushes it at exit
        sys.exit(1)


def _write_traceback() -> Path:
    """The traceback goes to pulse.log beside the warehouse (etl.logfile), else to a per-user log."""
    import traceback

    from etl.logfile import write_traceback

    try:
        from etl.settings import load_settings

        return write_traceback(load_settings().db, "command " + " ".join(sys.argv[1:]))
    except (OSError, SettingsError):
        log_file = Path.home() / ".cache" / "pulse" / "pulse.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc() + "\n")
        return log_file
