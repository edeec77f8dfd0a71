"""The `pulse` command: a thin layer over etl/ and dashboard/.

Each subcommand lives in dashboard/commands/<name>.py and exposes `command` (a click.Command);
they are discovered by module name, so adding a command never edits this file. `pulse --help`
reads each command's one-line help from its source (ast) instead of importing it: importing them
all pulled in polars, pyarrow and plotly (about 2 s) to print a list.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import click

from dashboard import commands
from dashboard.entry import guarded

# ast is imported where used: it costs every command ~5 ms


class PulseGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(i.name.replace("_", "-") for i in pkgutil.iter_modules(commands.__path__)
                      if not i.name.startswith("_"))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)  # as click's own listing
        rows = [(name, _short_help(name, limit)) for name in names]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"dashboard.commands.{name.replace('-', '_')}")
        return module.command

    def invoke(self, ctx: click.Context):  # one-line errors for users, tracebacks to the log
        return guarded(super().invoke, ctx, passed_on=(click.exceptions.Exit, click.ClickException))


def _short_help(name: str, limit: int) -> str:
    """The first sentence of `command`'s docstring in dashboard/commands/<name>.py, unimported."""
    import ast

    source = Path(commands.__path__[0]) / f"{name.replace('-', '_')}.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "command":
            return click.utils.make_default_short_help(ast.get_docstring(node) or "", limit)
    return ""


@click.group(cls=PulseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pulse")
def main() -> None:
    """Pulse: nonferrous-metals statistics in DuckDB, charted with Streamlit.

    Exit codes: 0 success, 1 some input rejected or a query refused/failed, 2 usage error.
    """
