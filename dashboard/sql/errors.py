"""The two ways an ad hoc query ends badly, both one sentence and exit code 1 on the CLI."""

from __future__ import annotations

from etl.errors import PulseError


class SqlRefused(PulseError):
    """The sandbox refused the query (a write, a file, a setting, the time limit, ...)."""


class SqlError(PulseError):
    """The query was allowed but failed (syntax, unknown column, a missing parameter value, ...)."""
