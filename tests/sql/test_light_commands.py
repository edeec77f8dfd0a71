"""`pulse sql`, `pulse status` and `pulse --help` import only what they use (issue 17).

Each runs as a real process under `python -X importtime`, which lists every module imported by it
and by the query's forked worker (it inherits stderr), so a heavy import anywhere shows. A plain
`pulse sql` does not even import click: dashboard.sql.command_line parses it, and the tests below
hold that parser to click's on every plain form and make it decline every unusual one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from dashboard.commands.sql import command as click_sql
from dashboard.sql.command_line import OPTIONS, SqlArgs, parse_args
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
    assert ("click" in names) == (args[0] != "sql" or "--help" in args)  # plain `pulse sql`: no click
    assert sorted(n for n in HEAVY if n in names) == []
    assert proc.returncode == (1 if name == "sql-refused" else 0), proc.stderr[-2000:]


def test_light_parser_knows_every_option_of_the_click_command() -> None:
    flags = {flag for p in click_sql.params if isinstance(p, click.Option) for flag in p.opts} - {"--help"}
    assert set(OPTIONS) == flags


def _click_args(argv: list[str]) -> SqlArgs:
    p = click_sql.make_context("sql", list(argv)).params
    return SqlArgs(p["query"], p["file"], p["db"], p["fmt"], p["timeout"], p["max_rows"], p["params"])


PLAIN = [
    ["SELECT 1"],
    [""],
    ["SELECT :a, :b", "--db", "w.duckdb", "-p", "a=1", "--param", "b==2", "-p", ":c=x y"],
    ["--format", "csv", "SELECT 1", "--timeout", "2.5", "--max-rows", "10"],
    ["-f", "q.sql", "--format", "json", "--timeout", "1e2", "--max-rows", " 7 "],
    ["--file", "查询.sql", "--db", "数据/仓库.duckdb"],
]


@pytest.mark.parametrize("argv", PLAIN, ids=[" ".join(a) or "empty query" for a in PLAIN])
def test_light_parser_reads_plain_arguments_as_click_does(argv: list[str]) -> None:
    assert parse_args(argv) == _click_args(argv)


UNUSUAL = {  # each handed to click, which words the usage error
    "no query": [],
    "query and file": ["SELECT 1", "-f", "q.sql"],
    "two queries": ["SELECT 1", "SELECT 2"],
    "unknown option": ["SELECT 1", "--limit", "5"],
    "bad format": ["SELECT 1", "--format", "xml"],
    "timeout below the range": ["SELECT 1", "--timeout", "0"],
    "timeout not a number": ["SELECT 1", "--timeout", "soon"],
    "timeout nan": ["SELECT 1", "--timeout", "nan"],
    "max rows zero": ["SELECT 1", "--max-rows", "0"],
    "max rows fraction": ["SELECT 1", "--max-rows", "1.5"],
    "param without =": ["SELECT :a", "-p", "a"],
    "param without a name": ["SELECT :a", "-p", "=1"],
    "db is a folder": ["SELECT 1", "--db", "."],
    "option without its value": ["SELECT 1", "--db"],
}


@pytest.mark.parametrize("argv", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_light_parser_leaves_unusual_arguments_to_click(argv: list[str]) -> None:
    assert parse_args(argv) is None
    with pytest.raises(click.UsageError):
        _click_args(argv)
        click_sql.callback(**click_sql.make_context("sql", list(argv)).params)  # the body's own checks


DECLINED_BUT_VALID = {  # forms the light parser need not know: click parses them
    "--opt=value": ["SELECT 1", "--format=csv"],
    "option twice": ["SELECT 1", "--format", "csv", "--format", "json"],
    "help": ["--help"],
}


@pytest.mark.parametrize("argv", DECLINED_BUT_VALID.values(), ids=DECLINED_BUT_VALID.keys())
def test_light_parser_declines_forms_it_does_not_know(argv: list[str]) -> None:
    assert parse_args(argv) is None


@pytest.mark.parametrize(("value", "message"), [
    ("nan", "nan is not a number of seconds."),
    ("inf", "inf is not a number of seconds."),
    ("-inf", "-inf is not in the range x>=0.01."),
])
def test_timeout_that_is_no_number_of_seconds_is_a_usage_error(value: str, message: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "dashboard", "sql", "SELECT 1", "--timeout", value],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"Error: Invalid value for '--timeout': {message}"


def test_light_sql_reports_an_unreadable_query_file_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sql"
    proc = subprocess.run([sys.executable, "-m", "dashboard", "sql", "-f", str(missing)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (f"Error: cannot read {missing}: [Errno 2] No such file or directory: "
                           f"'{missing}'; check the path and that it is UTF-8\n")
