"""`pulse sql`, `pulse status` and `pulse --help` import only what they use (issue 17).

Each runs as a real process under `python -X importtime`, which lists every module imported by it
and by the query's forked worker (it inherits stderr), so a heavy import anywhere shows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.sql.conftest import Warehouse

HEAVY = ("polars", "pyarrow", "plotly", "streamlit", "pandas")
_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|(\s*)(\S+)$")


def imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "dashboard", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)
    modules = [m.group(2) for line in proc.stderr.splitlines() if (m := _IMPORTED.match(line))]
    # a package really loaded brings submodules; the worker's blocked `import pandas` (a module set
    # to None, which DuckDB takes as "not installed") is listed alone, in microseconds
    names = {name.split(".")[0] for name in modules if "." in name} | {"duckdb", "click"} & set(modules)
    return names, proc


COMMANDS = {
    "sql-table": ("sql", "SELECT series_id, period_end FROM v_observations LIMIT 3"),
    "sql-csv": ("sql", "SELECT 1 AS n", "--format", "csv"),
    "sql-json-param": ("sql", "SELECT :s AS s, 2 AS n", "--format", "json", "-p", "s=铝"),
    "sql-refused": ("sql", "DROP TABLE series"),
    "status": ("status",),
    "help": ("--help",),
    "sql-help": ("sql", "--help"),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_light_command_imports_nothing_heavy(warehouse: Warehouse, name: str) -> None:
    args = COMMANDS[name]
    if args[0] in ("sql", "status") and "--help" not in args:
        args = (*args, "--db", str(warehouse.db))
    names, proc = imported(*args)
    assert "duckdb" in names or "--help" in args, proc.stderr[-2000:]  # the parse really saw the imports
    assert "click" in names
    assert sorted(n for n in HEAVY if n in names) == []
    assert proc.returncode == (1 if name == "sql-refused" else 0), proc.stderr[-2000:]
