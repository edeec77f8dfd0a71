"""`pulse sql`'s output from text cells (SqlRows): an aligned table, CSV or JSON, plus the summary.

No pyarrow, polars or rich here: importing them cost `pulse sql` more than the query (issue 17).
The cells are DuckDB's own rendering of each value ("text": CAST AS VARCHAR, so a DATE prints as
2025-09-30) or its JSON ("json": to_json, so numbers stay numbers and lists stay lists).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from typing import Any

from dashboard.safe_text import FORMULA_START

# Types whose text is never a spreadsheet formula: left alone, like numbers in dashboard.exports.
_PLAIN_TYPES = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|DECIMAL.*|BOOLEAN|DATE"
                          r"|TIME.*|TIMESTAMP.*)$")
_FORMULA = re.compile(FORMULA_START)


def unique_names(names: list[str]) -> list[str]:
    """Duplicate column names made unique (`a`, `a_2`), as the app's downloads do."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def rows_csv(result: Any) -> bytes:
    """CSV; text cells a spreadsheet would run as formulas get a leading apostrophe."""
    risky = [not _PLAIN_TYPES.match(t) for t in result.types]
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["'" + v if r and v is not None and _FORMULA.match(v) else v
                         for v, r in zip(row, risky, strict=True)])
    return sink.getvalue().encode("utf-8")


def rows_json(result: Any) -> str:
    """An array of row objects (duplicate column names made unique)."""
    names = unique_names(result.columns)
    rows = [{n: (None if v is None else json.loads(v)) for n, v in zip(names, row, strict=True)}
            for row in result.rows]
    return json.dumps(rows, ensure_ascii=False, indent=1)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def rows_table(result: Any) -> str:
    """An aligned text table (numbers right-aligned, NULL spelled out; newlines shown as ⏎)."""
    cells = [[("NULL" if v is None else v.replace("\n", "⏎")) for v in row] for row in result.rows]
    widths = [max([_width(c), *(_width(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]
    right = [bool(_PLAIN_TYPES.match(t)) and not t.startswith(("DATE", "TIME", "BOOLEAN")) for t in result.types]
    lines = [" │ ".join(_pad(c, w, False) for c, w in zip(result.columns, widths, strict=True)),
             "─┼─".join("─" * w for w in widths)]
    lines += [" │ ".join(_pad(v, w, r) for v, w, r in zip(row, widths, right, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def summary(result: Any) -> str:
    """'3 rows in 0.012 s', plus the truncation notice when rows were cut."""
    rows = f"{result.row_count:,} row{'s' if result.row_count != 1 else ''}"
    text = f"{rows} in {result.elapsed_s:.3f} s"
    if result.truncated:
        text += f"; {truncation_notice(result.max_rows)}"
    return text


def truncation_notice(max_rows: int) -> str:
    return f"only the first {max_rows:,} rows are shown; the query returned more (add a LIMIT or filter)"
