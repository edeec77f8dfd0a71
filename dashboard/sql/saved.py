"""Saved queries (`data/queries/*.sql`) and the built-in examples.

A saved query is a .sql file; its leading comment lines may carry a title, a description and a
label and default for each :param, each written "中文 / English" (the page shows the half in the
chosen language, `in_lang`), e.g.

    -- title: 某序列的历史 / History of one series
    -- param series_id: 序列 ID / series id = cn.nonferrous.ten_metals.output
    SELECT * FROM v_observations WHERE series_id = :series_id

Parameters are found by the sandbox's checker (DuckDB's tokenizer and parser), not by the header,
so a parameter without a header line still becomes a form field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dashboard.sql.checks import check_sql
from dashboard.sql.errors import SqlError, SqlRefused
from etl.settings import DATA_DIR

QUERIES_DIR = DATA_DIR / "queries"


def in_lang(text: str, lang: str) -> str:
    """The "中文 / English" text's half in `lang` (the whole text when it has no " / ")."""
    zh, sep, en = text.partition(" / ")
    return (en if lang == "en" else zh).strip() if sep else text


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    default: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str  # the file stem, used in URLs
    title: str
    description: str
    sql: str
    params: tuple[Param, ...] = field(default=())


def parse_saved(name: str, text: str) -> SavedQuery:
    title, description, headers = name, "", {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            if stripped:
                break
            continue
        key, sep, value = stripped[2:].strip().partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            continue
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        elif key.startswith("param "):
            label, _, default = value.partition("=")
            headers[key[6:].strip()] = Param(key[6:].strip(), label.strip(), default.strip())
    try:
        names = check_sql(text).params
    except (SqlError, SqlRefused):
        names = tuple(headers)
    params = tuple(headers.get(n, Param(n, n)) for n in names)
    return SavedQuery(name, title, description, text.strip() + "\n", params)


def load_saved(folder: Path = QUERIES_DIR) -> list[SavedQuery]:
    """Every saved query in `folder`, by file name; an unreadable file is skipped."""
    queries = []
    for path in sorted(folder.glob("*.sql")) if folder.is_dir() else []:
        try:
            queries.append(parse_saved(path.stem, path.read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError):
            continue
    return queries


# Built-in examples, keyed by their "中文 / English" title (in_lang picks the half to show).
EXAMPLES: dict[str, str] = {
    "最新值 / Latest value of every series":
        "SELECT series_id, name_zh, period_label, display_value, display_unit, change_pct\n"
        "FROM v_latest\nORDER BY category, series_id",
    "同比 / Year on year":
        "SELECT series_id, name_zh, period_start, period_end, value, value_prev_year,\n"
        "       change_pct_computed, change_pct_published\nFROM v_yoy\n"
        "WHERE value_prev_year IS NOT NULL\nORDER BY series_id, period_end DESC",
    "按类别计数 / Series per category":
        "SELECT category, count(DISTINCT series_id) AS series, count(*) AS observations,\n"
        "       min(period_start) AS first, max(period_end) AS last\n"
        "FROM v_observations\nGROUP BY category\nORDER BY category",
    "视图与列 / Views and their columns":
        "SELECT table_name, column_name, data_type\nFROM duckdb_columns()\n"
        "WHERE database_name = 'pulse' AND table_name LIKE 'v\\_%' ESCAPE '\\'\n"
        "ORDER BY table_name, column_index",
    "最近的加载 / Recent loads":
        "SELECT * FROM loads ORDER BY started_at DESC LIMIT 20",
    "表结构 / Describe v_observations": "DESCRIBE v_observations",
}
