"""`pulse sql` without click: the plain argument forms recognized, and the command's one body.

`parse_args` understands exactly the forms a script writes — one query or `--file`, and
`--db/--format/--timeout/--max-rows/--param` each followed by a valid value — and returns None for
anything else, so click (dashboard/commands/sql.py) parses it and words the usage error. A test
checks both parsers agree on every plain form and that this one declines the unusual ones
(tests/sql/test_light_commands.py).
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class SqlArgs:
    query: str | None = None
    file: Path | None = None
    db: Path | None = None
    fmt: str = "table"
    timeout: float | None = None
    max_rows: int | None = None
    params: tuple[str, ...] = ()


def _file_path(text: str) -> Path | None:
    return None if os.path.isdir(text) else Path(text)  # click's Path(dir_okay=False) refuses it


def _timeout(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) and value >= 0.01 else None


def _max_rows(text: str) -> int | None:
    value = int(text)
    return value if value >= 1 else None


def param_pair(text: str) -> str | None:
    """`text` when it is NAME=VALUE with a name, else None (shared with the click command's check)."""
    name, sep, _ = text.partition("=")
    return text if sep and name else None


# flag -> (field, convert: text -> value, or None when click should word the error)
OPTIONS = {
    "--file": ("file", _file_path), "-f": ("file", _file_path),
    "--db": ("db", _file_path),
    "--format": ("fmt", lambda text: text if text in FORMATS else None),
    "--timeout": ("timeout", _timeout),
    "--max-rows": ("max_rows", _max_rows),
    "--param": ("params", param_pair), "-p": ("params", param_pair),
}


def parse_args(argv: list[str]) -> SqlArgs | None:
    """The arguments after `sql`, or None when click should parse them."""
    fields: dict = {"params": ()}
    words = iter(argv)
    for word in words:
        if word.startswith("-"):
            if word not in OPTIONS:
                return None
            field, convert = OPTIONS[word]
            text = next(words, None)
            if text is None or text.startswith("-") or (field in fields and field != "params"):
                return None
            try:
                value = convert(text)
            except ValueError:
                return None
            if value is None:
                return None
            fields[field] = fields["params"] + (value,) if field == "params" else value
        elif "query" in fields:
            return None
        else:
            fields["query"] = word
    if ("query" in fields) == ("file" in fields):
        return None
    return SqlArgs(**fields)


def param_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """NAME=VALUE pairs (already checked) as DuckDB's named parameters; `:NAME` and `$NAME` too."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        params[name.lstrip(":$")] = value
    return params


def read_query(args: SqlArgs) -> str:
    from dashboard.sql.errors import SqlError

    if args.file is None:
        return args.query or ""
    try:
        return args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SqlError(f"cannot read {args.file}: {exc}; check the path and that it is UTF-8") from exc


def run(args: SqlArgs) -> None:
    """Run the query in a forked sandbox worker and print its rows; the summary goes to stderr."""
    from dashboard.sql.sandbox import SandboxLimits, run_query
    from dashboard.sql.text_output import rows_csv, rows_json, rows_table, summary
    from dashboard.sql.worker import use_direct_fork
    from etl.settings import load_settings

    use_direct_fork()  # one query per process: forking here saves starting a fork server
    settings = load_settings(db=args.db)
    base = SandboxLimits.for_cli(settings)
    limits = SandboxLimits(args.timeout if args.timeout is not None else base.timeout_s,
                           args.max_rows or base.max_rows, base.memory_limit)
    result = run_query(settings.db, read_query(args), param_pairs(args.params), limits,
                       encoding="json" if args.fmt == "json" else "text")
    if args.fmt == "csv":
        sys.stdout.buffer.write(rows_csv(result))
    elif args.fmt == "json":
        sys.stdout.write(rows_json(result) + "\n")
    else:
        sys.stdout.write(rows_table(result) + "\n")
    sys.stdout.flush()
    print(summary(result), file=sys.stderr)
