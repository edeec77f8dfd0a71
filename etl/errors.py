"""Errors that reach a user: one sentence naming the file, row or query, and what to do."""

from __future__ import annotations


class PulseError(Exception):
    """A failure to report in one line, with the process exit code to use."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class WarehouseMissing(PulseError):
    """No published warehouse at the configured path."""
