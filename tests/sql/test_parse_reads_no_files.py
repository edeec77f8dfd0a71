"""DuckDB 1.5's parser opens <dir>/schema.sql for IMPORT DATABASE and PRAGMA import_database in the
process that parses: the checks must refuse those from their tokens before DuckDB parses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.sql import SqlRefused, check_sql
from dashboard.sql.checks import SETTINGS, WRITES

FORMS = {
    "import": ("IMPORT DATABASE '{d}'", WRITES),
    "import-lowercase-after-comment": ("/* x */ import database '{d}'", WRITES),
    "import-second-statement": ("SELECT 1; IMPORT DATABASE '{d}'", WRITES),
    "pragma-import": ("PRAGMA import_database('{d}')", SETTINGS),
}


@pytest.mark.parametrize("name", FORMS)
def test_import_is_refused_before_the_parser_opens_its_files(tmp_path: Path, name: str) -> None:
    sql, message = FORMS[name]
    missing = tmp_path / "no-such-export"  # before the fix: IOException 'Cannot open file .../schema.sql'
    with pytest.raises(SqlRefused, match=f"^{message}$"):
        check_sql(sql.format(d=missing))


def test_a_column_named_import_is_still_allowed() -> None:
    assert check_sql("SELECT 1 AS import, 'pragma' AS p").sql == "SELECT 1 AS import, 'pragma' AS p"
