"""Ad hoc SQL for analysts: the sandbox (checks + locked-down read-only run), output formats,
saved queries, the schema browser. Pure Python, no `st.*`; the page and `pulse sql` are layouts."""

from dashboard.sql.checks import Checked, check_sql
from dashboard.sql.errors import SqlError, SqlRefused
from dashboard.sql.sandbox import SandboxLimits, SqlResult, open_sandbox, run_query

__all__ = ["Checked", "SandboxLimits", "SqlError", "SqlRefused", "SqlResult", "check_sql",
           "open_sandbox", "run_query"]
