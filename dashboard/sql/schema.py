"""The schema browser's data: views and tables, their columns and types (from the warehouse, through
the sandbox), and the descriptions from docs/data-dictionary.md.

The dictionary's format: each view is a `## v_name` heading, a paragraph, then a
`| column | type | description |` table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dashboard.sql.sandbox import SandboxLimits, run_query
from etl.settings import PROJECT_ROOT

DICTIONARY = PROJECT_ROOT / "docs" / "data-dictionary.md"

_COLUMNS_SQL = """
SELECT c.table_name, c.column_name, c.data_type, v.view_name IS NOT NULL AS is_view
FROM duckdb_columns() c
LEFT JOIN duckdb_views() v
  ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.database_name = 'pulse' AND c.schema_name = 'main' AND NOT c.internal
ORDER BY is_view DESC, c.table_name, c.column_index
"""


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    type: str
    description: str = ""


@dataclass
class RelationDoc:
    name: str
    is_view: bool
    description: str = ""
    columns: list[ColumnDoc] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return [c.strip("`").strip() if i < 2 else c for i, c in enumerate(cells)]


def _is_separator(line: str) -> bool:
    return set(line.replace("|", "").strip()) <= set("-: ") and "-" in line


def parse_dictionary(text: str) -> dict[str, RelationDoc]:
    """`## name` sections: the paragraph becomes the description, the table the column docs."""
    docs: dict[str, RelationDoc] = {}
    current: RelationDoc | None = None
    paragraph: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("## "):
            current = RelationDoc(stripped[3:].strip().strip("`").strip(), True)
            docs[current.name] = current
            paragraph = []
        elif current is None or stripped.startswith("#"):
            continue
        elif stripped.startswith("|"):
            cells = _cells(stripped)
            if _is_separator(stripped) or [c.lower() for c in cells[:2]] == ["column", "type"]:
                continue
            if cells and cells[0]:
                current.columns.append(ColumnDoc(cells[0], *(cells[1:3] + ["", ""])[:2]))
        elif stripped and not current.columns:
            paragraph.append(stripped)
            current.description = " ".join(paragraph)
    return docs


def load_dictionary(path: Path = DICTIONARY) -> dict[str, RelationDoc]:
    try:
        return parse_dictionary(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def warehouse_schema(db: Path, dictionary: dict[str, RelationDoc] | None = None) -> list[RelationDoc]:
    """Views first (the stable interface), then tables; each column with type and description."""
    dictionary = load_dictionary() if dictionary is None else dictionary
    result = run_query(db, _COLUMNS_SQL, limits=SandboxLimits(timeout_s=10, max_rows=100_000))
    relations: dict[str, RelationDoc] = {}
    for row in result.table.to_pylist():
        name = row["table_name"]
        doc = dictionary.get(name)
        rel = relations.setdefault(name, RelationDoc(name, bool(row["is_view"]), doc.description if doc else ""))
        described = {c.name: c.description for c in doc.columns} if doc else {}
        rel.columns.append(ColumnDoc(row["column_name"], row["data_type"], described.get(row["column_name"], "")))
    return list(relations.values())
