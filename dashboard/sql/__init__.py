"""Ad hoc SQL for analysts: the sandbox (checks + locked-down read-only run), output formats,
saved queries, the schema browser. Pure Python, no `st.*`; the page and `pulse sql` are layouts.

Names are imported on first use, so `import dashboard.sql.checks` (or `pulse sql`) does not
pull in more than it needs.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {"Checked": "checks", "check_sql": "checks", "SqlError": "errors", "SqlRefused": "errors",
          "SandboxLimits": "sandbox", "SqlResult": "sandbox", "SqlRows": "sandbox",
          "open_sandbox": "sandbox", "run_query": "sandbox"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'dashboard.sql' has no attribute {name!r}")
    return getattr(importlib.import_module(f"dashboard.sql.{_WHERE[name]}"), name)
