"""Statement checks for ad hoc SQL, done with DuckDB's own parser and tokenizer (never regexes).

The allow-list is SELECT / WITH / VALUES / DESCRIBE / SHOW / SUMMARIZE / EXPLAIN (of an allowed
statement), one statement at a time. Everything else is refused with one sentence saying why.
The engine refuses the same things again (read-only attach, external access off, configuration
locked): see `dashboard.sql.sandbox`.

Saved queries use `:name` parameters; `to_duckdb_params` rewrites them to DuckDB's `$name` so
values are bound by the engine, never pasted into the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dashboard.sql.errors import SqlError, SqlRefused

MAX_QUERY_CHARS = 100_000

WRITES = "writes are not allowed"
FILES = "reading files is not allowed"
ONE_STATEMENT = "only one statement at a time"
EXTENSIONS = "installing or loading extensions is not allowed"
SETTINGS = "changing settings is not allowed"
ATTACH = "attaching or detaching databases is not allowed"
ALLOWED = "only SELECT, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE and EXPLAIN queries are allowed"
CATALOG = "the warehouse catalog's own functions and tables are not allowed"
# DuckLake's catalog: its metadata database, and the postgres/ducklake extensions' functions that
# would reach PostgreSQL (or list the lake's files) around the read-only views.
_CATALOG_NAMES = ("postgres_", "ducklake_", "__ducklake_metadata")
PIVOT = "PIVOT needs an explicit IN list here, for example PIVOT t ON c IN ('a', 'b')"

_T = duckdb.StatementType
_BY_TYPE: dict[str, str] = {
    "INSERT": WRITES, "UPDATE": WRITES, "DELETE": WRITES, "CREATE": WRITES, "DROP": WRITES,
    "ALTER": WRITES, "MERGE_INTO": WRITES, "CREATE_FUNC": WRITES, "VACUUM": WRITES,
    "COPY": WRITES, "COPY_DATABASE": WRITES, "EXPORT": WRITES,
    "ATTACH": ATTACH, "DETACH": ATTACH,
    "LOAD": EXTENSIONS, "EXTENSION": EXTENSIONS,
    "SET": SETTINGS, "VARIABLE_SET": SETTINGS, "PRAGMA": SETTINGS,
    "MULTI": PIVOT,
}
# Statements the parser files under another type, told apart by their first words.
_BY_FIRST_WORDS: dict[tuple[str, ...], str] = {
    ("checkpoint",): WRITES, ("force", "checkpoint"): WRITES,
    ("import", "database"): WRITES, ("copy", "from"): WRITES,
    ("update", "extensions"): EXTENSIONS, ("install",): EXTENSIONS, ("load",): EXTENSIONS,
    ("force", "install"): EXTENSIONS,
}
_PARAM_PREV = set(" \t\r\n(,=<>+-*/%|!")
# DuckDB 1.5's parser itself opens <dir>/schema.sql and load.sql for these (IMPORT DATABASE and
# PRAGMA import_database), in the process that parses: refused from the tokens, before parsing.
_READ_WHILE_PARSED = {"import": WRITES, "pragma": SETTINGS}


@dataclass(frozen=True)
class Checked:
    """A query that passed the checks: DuckDB text (`$name` parameters) and the parameter names."""

    sql: str
    params: tuple[str, ...]


def _token_spans(sql: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) in characters for every token, comments included.

    duckdb.tokenize reports byte offsets into the UTF-8 text; they are mapped back to characters.
    """
    raw = sql.encode("utf-8")
    char_at = [0] * (len(raw) + 1)
    pos = 0
    for i, ch in enumerate(sql):
        for _ in range(len(ch.encode("utf-8"))):
            char_at[pos] = i
            pos += 1
    char_at[len(raw)] = len(sql)
    toks = duckdb.tokenize(sql)
    if not toks:  # DuckDB 1.5: no token at all for empty or comment-only text
        return []
    starts = [char_at[b] for b, _ in toks]
    ends = starts[1:] + [len(sql)] if starts else []
    return [(s, e, kind.name) for s, e, (_, kind) in zip(starts, ends, toks, strict=True)]


def _tokens(sql: str) -> list[tuple[str, str]]:
    """(text, kind) for every token, comments included (kind: keyword, identifier, operator, ...)."""
    return [(sql[s:e].strip(), kind) for s, e, kind in _token_spans(sql)]


def _first_words(sql: str, n: int = 2) -> tuple[str, ...]:
    words = [text.lower() for text, kind in _tokens(sql) if kind != "comment"]
    return tuple(words[:n])


def _imports_a_database(sql: str) -> bool:
    """IMPORT DATABASE anywhere in the text (any statement of several), outside strings and comments."""
    words = [text.lower() for text, kind in _tokens(sql) if kind not in ("string_const", "comment")]
    return any(a == "import" and b == "database" for a, b in zip(words, words[1:], strict=False))


def _refusal_for_words(sql: str) -> str | None:
    words = _first_words(sql)
    for prefix, reason in _BY_FIRST_WORDS.items():
        if words[: len(prefix)] == prefix:
            return reason
    return None


def _read_while_parsed(sql: str) -> str | None:
    """The refusal for a statement (first, or after any `;`) that the parser would read files for."""
    words = [(text.lower(), kind) for text, kind in _tokens(sql) if kind != "comment"]
    starts = [w for i, (w, _) in enumerate(words) if i == 0 or words[i - 1] == (";", "operator")]
    return next((_READ_WHILE_PARSED[w] for w in starts if w in _READ_WHILE_PARSED), None)


def _explained(sql: str) -> str:
    """The statement inside EXPLAIN [ANALYZE] [(options)] ..."""
    spans = _token_spans(sql)
    texts = [sql[s:e].strip() for s, e, _ in spans]
    i = 1
    if i < len(texts) and texts[i].lower() == "analyze":
        i += 1
    if i < len(texts) and texts[i] == "(":
        while i < len(texts) and texts[i] != ")":
            i += 1
        i += 1
    return sql[spans[i][0]:] if i < len(spans) else ""


def _statement_refusal(sql: str) -> str | None:
    """Why this single statement is refused, or None if it is allowed."""
    by_words = _refusal_for_words(sql)
    if by_words:
        return by_words
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.ParserException:
        raise
    except ValueError:  # a statement type the Python enum does not know (e.g. UPDATE EXTENSIONS)
        return ALLOWED
    if len(statements) != 1:
        return ONE_STATEMENT if statements else ALLOWED
    kind = statements[0].type
    if kind == _T.SELECT:
        return None
    if kind == _T.EXPLAIN:
        inner = _explained(sql)
        return _statement_refusal(inner) if inner.strip() else ALLOWED
    return _BY_TYPE.get(kind.name, ALLOWED)


def _rewrite_colon_params(sql: str) -> str:
    """`:name` -> `$name` where the tokenizer sees a parameter (not `::`, slices, struct keys, strings)."""
    spans = _token_spans(sql)
    out: list[str] = []
    last = 0
    for i, (start, _end, kind) in enumerate(spans):
        # DuckDB 1.5 tokenizes a parameter's ':' as a keyword (2.0: an operator)
        if kind not in ("operator", "keyword") or sql[start:start + 2] == "::" or sql[start] != ":":
            continue
        after = sql[start + 1:start + 2]
        prev = sql[start - 1] if start else " "
        adjacent = i + 1 < len(spans) and spans[i + 1][0] == start + 1
        if adjacent and (after.isalpha() or after == "_") and prev in _PARAM_PREV:
            out.append(sql[last:start] + "$")
            last = start + 1
    out.append(sql[last:])
    return "".join(out)


def check_sql(sql: str, max_chars: int = MAX_QUERY_CHARS) -> Checked:
    """Refuse (SqlRefused) anything but one read-only query; SqlError for text DuckDB cannot parse."""
    if len(sql) > max_chars:
        raise SqlRefused(f"queries longer than {max_chars:,} characters are not allowed")
    sql = _rewrite_colon_params(sql)
    if _imports_a_database(sql):  # refused before the parser reads files for it
        raise SqlRefused(WRITES)
    # PRAGMA import_database reads files while parsed too; first words before the statement count:
    # DuckDB 1.5 expands COPY FROM DATABASE into four statements
    early = _read_while_parsed(sql) or _refusal_for_words(sql)
    if early:
        raise SqlRefused(early)
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.ParserException as exc:
        raise SqlError(_parser_message(sql, exc)) from exc
    except ValueError:
        statements = None  # an unknown statement type; judged below by its first words
    if statements is not None and not statements:
        raise SqlRefused("the query is empty")
    if statements is not None and len(statements) > 1:
        # DuckDB 1.5 expands COPY FROM DATABASE into several statements: judged by its words first
        raise SqlRefused(_refusal_for_words(sql) or ONE_STATEMENT)
    try:
        reason = _statement_refusal(sql) or _catalog_refusal(sql)
    except duckdb.ParserException as exc:
        raise SqlError(first_line(exc)) from exc
    if reason:
        raise SqlRefused(reason)
    assert statements is not None
    names = statements[0].named_parameters
    if any(name.isdigit() for name in names):
        raise SqlRefused("use named parameters such as :series_id, not ? or $1")
    return Checked(sql, tuple(sorted(names)))


MAX_DEPTH = 1000


def _parser_message(sql: str, exc: duckdb.ParserException) -> str:
    """DuckDB's first line; DuckDB 1.5 says only 'memory exhausted' for over-deep nesting."""
    if "memory exhausted" in str(exc):
        depth = deepest = 0
        for text, kind in _tokens(sql):
            if kind == "operator":
                depth += text.count("(") - text.count(")")
                deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return (f"Parser Error: Max expression depth limit of {MAX_DEPTH} exceeded "
                    f"({deepest} nested parentheses); nest less, e.g. with a CTE")
    return first_line(exc)
def _catalog_refusal(sql: str) -> str | None:
    """Names (not string contents) of the lake's catalog; a quoted identifier is a name too."""
    for text, kind in _tokens(sql):
        if kind in ("string_const", "comment"):
            continue
        name = text.strip('"').lower()
        if any(part.startswith(_CATALOG_NAMES) for part in name.split(".")):
            return CATALOG
        if name == "nextval":  # advances a sequence; a lake has none, and asking crashes its engine
            return WRITES
        if name == "duckdb_secrets":  # the file backend's engine refuses it (it reads the secret folder);
            return FILES  # a lake's connection made its secrets before file access was turned off
    return None


def first_line(exc: BaseException) -> str:
    """DuckDB's message without the LINE/caret context that follows it."""
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__
