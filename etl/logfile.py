"""Where tracebacks go: `pulse.log` beside the warehouse (one per warehouse, never a fixed /tmp path).

Users see one line naming the log; the log keeps the whole traceback with the stage, file and load.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path


def log_path(db: Path) -> Path:
    return Path(db).with_name("pulse.log")


def write_traceback(db: Path, context: str, exc: BaseException | None = None) -> Path:
    """Append `context` and the traceback of `exc` (or of the exception being handled) to the log."""
    path = log_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    trace = "".join(traceback.format_exception(exc)) if exc is not None else traceback.format_exc()
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"{datetime.now(UTC).isoformat(timespec='seconds')} {context}\n{trace}\n")
    return path
