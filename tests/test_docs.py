"""Docs that fall behind the code fail the build (the sqlite-utils way)."""

from __future__ import annotations

import re

import click

from dashboard.cli import main
from etl.pipeline import run_load
from etl.read import query
from tests.conftest import ROOT, put


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ctx = click.Context(main)
    missing = [name for name in main.list_commands(ctx) if f"pulse {name}" not in readme]
    assert not missing, f"README.md does not mention: {missing}"


def test_every_view_is_in_the_data_dictionary(settings):
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    views = query(settings.db, "SELECT view_name FROM duckdb_views() WHERE NOT internal").to_series().to_list()
    dictionary = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (v_\w+)", dictionary, flags=re.M))
    assert views and not set(views) - documented


def test_the_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make test" in ci


def test_etl_never_imports_dashboard():
    """The layering of the design: dashboard/ imports etl/, never the reverse."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "etl").rglob("*.py")
        if re.search(r"^\s*(from|import)\s+dashboard\b", path.read_text(encoding="utf-8"), flags=re.M)
    ]
    assert not offenders
