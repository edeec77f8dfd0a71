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
    starts = [char_at[b] for b, _ in toks]
    ends = starts[1:] + [len(sql)]
    return [(s, e, kind.name) for s, e, (_, kind) in zip(starts, ends, toks, strict=True)]


def _tokens(sql: str) -> list[tuple[str, str]]:
    """(text, kind) for every token, comments included (kind: keyword, identifier, operator, ...)."""
    return [(sql[s:e].strip(), kind) for s, e, kind in _token_spans(sql)]


def _first_words(sql: str, n: int = 2) -> tuple[str, ...]:
    words = [text.lower() for text, kind in _tokens(sql) if kind != "comment"]
    return tuple(words[:n])


def _names_import_database(sql: str) -> bool:
    """IMPORT DATABASE anywhere in the text: DuckDB 1.5 opens the folder's schema.sql while parsing it."""
    words = [text.lower() for text, kind in _tokens(sql) if kind == "keyword"]
    return any(a == "import" and b == "database" for a, b in zip(words, words[1:], strict=False))


def _refusal_for_words(sql: str) -> str | None:
    words = _first_words(sql)
    for prefix, reason in _BY_FIRST_WORDS.items():
        if words[: len(prefix)] == prefix:
            return reason
    return None


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
        if kind != "operator" or sql[start:start + 2] == "::" or sql[start] != ":":
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
    if _names_import_database(sql):  # refused before the parser reads files for it
        raise SqlRefused(WRITES)
    by_words = _refusal_for_words(sql)  # before counting: DuckDB 1.5 expands COPY FROM DATABASE into four
    if by_words:
        raise SqlRefused(by_words)
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.ParserException as exc:
        raise SqlError(first_line(exc)) from exc
    except ValueError:
        statements = None  # an unknown statement type; judged below by its first words
    if statements is not None and not statements:
        raise SqlRefused("the query is empty")
    if statements is not None and len(statements) > 1:
        raise SqlRefused(ONE_STATEMENT)
    try:
        reason = _statement_refusal(sql)
    except duckdb.ParserException as exc:
        raise SqlError(first_line(exc)) from exc
    if reason:
        raise SqlRefused(reason)
    assert statements is not None
    names = statements[0].named_parameters
    if any(name.isdigit() for name in names):
        raise SqlRefused("use named parameters such as :series_id, not ? or $1")
    return Checked(sql, tuple(sorted(names)))


def first_line(exc: BaseException) -> str:
    """DuckDB's message without the LINE/caret context that follows it."""
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__
