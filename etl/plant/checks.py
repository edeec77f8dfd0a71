"""The checks of a plant log that need more than its row: plant names, duplicate ids, ids loaded before.

They run over the `staged` view of the file's connection (etl.plant.telemetry: the staged Parquet
file, row_no = the row's 0-based position in the file) and add the rows they reject to the
`late_rejects` table (row_no, reason), which the view folds into `reason`; each check sees only
rows the previous ones left good, in this order: per-row reasons (validate.py), plant names,
duplicates in the file, ids already loaded. Usually no row is added and the view stays a plain
read of the file.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import duckdb

from etl.plant.schema import MAX_REJECT_DETAILS, MOSTLY_BAD, LogKind
from etl.records import RowReject, SourceError

# A plant names a Parquet folder (plant=<value>): letters, digits, space, '-', '_', '.', starting with
# a letter or digit, so no value holds '/', is '..', or holds the '=' hive partitions split on.
PLANT_NAME = re.compile(r"[^\W_][\w .-]{0,63}")
PLANT_RULE = ("may hold only letters, digits, spaces, -, _ and . (at most 64, starting with a letter or digit); "
              "it names a folder")


def staged_view(con: duckdb.DuckDBPyConnection, staged_file: Path) -> None:
    """(Re)define `staged`: the file's rows with their row_no, and the late rejects' reasons when there are any."""
    rows = f"(SELECT * RENAME (file_row_number AS row_no) FROM read_parquet('{sql_str(staged_file)}', " \
           "file_row_number = true))"
    late = con.execute("SELECT count(*) FROM late_rejects").fetchone()
    if late and late[0]:
        rows = (f"(SELECT s.* REPLACE (coalesce(s.reason, l.reason) AS reason) FROM {rows} s "
                "LEFT JOIN late_rejects l USING (row_no))")
    con.execute(f"CREATE OR REPLACE TEMP VIEW staged AS SELECT * FROM {rows}")


def _reject(con: duckdb.DuckDBPyConnection, staged_file: Path, select: str, params: dict | None = None) -> None:
    """Add the (row_no, reason) rows of `select` to late_rejects, then fold them into the view."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE new_rejects AS {select}", params)
    added = con.execute("SELECT count(*) FROM new_rejects").fetchone()
    if added and added[0]:
        con.execute("INSERT INTO late_rejects SELECT * FROM new_rejects")
        staged_view(con, staged_file)
    con.execute("DROP TABLE new_rejects")


def mark_bad_plants(con: duckdb.DuckDBPyConnection, staged_file: Path) -> None:
    """Checked on the distinct values (a handful), not per row: a regex over every row cost 8x the read."""
    plants = [r[0] for r in con.execute("SELECT DISTINCT plant FROM staged WHERE reason IS NULL").fetchall()]
    bad = [p for p in plants if not PLANT_NAME.fullmatch(p)]
    if bad:
        _reject(con, staged_file, "SELECT row_no, concat('plant ''', plant, ''' ', $rule) FROM staged "
                "WHERE reason IS NULL AND plant IN (SELECT unnest($bad))", {"bad": bad, "rule": PLANT_RULE})


def mark_duplicates(con: duckdb.DuckDBPyConnection, staged_file: Path, kind: LogKind, first_row: int) -> None:
    """Every repeat of an id after its first row (the first stays good)."""
    # Group on a 64-bit hash first (cheap), then compare the few ids whose hashes collide.
    col = kind.id_column
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE dup AS
        WITH h AS (SELECT hash({col}) AS h FROM staged WHERE reason IS NULL GROUP BY 1 HAVING count(*) > 1)
        SELECT {col} AS id, min(row_no) AS first FROM staged WHERE reason IS NULL AND hash({col}) IN (SELECT h FROM h)
        GROUP BY {col} HAVING count(*) > 1""")
    if con.execute("SELECT count(*) FROM dup").fetchone() != (0,):
        _reject(con, staged_file, f"""
            SELECT s.row_no, concat('duplicate {col} ', s.{col}, ' (first at row ', dup.first + {first_row}, ')')
            FROM staged s JOIN dup ON s.{col} = dup.id WHERE s.row_no > dup.first AND s.reason IS NULL""")
    con.execute("DROP TABLE dup")


def mark_already_loaded(con: duckdb.DuckDBPyConnection, staged_file: Path, kind: LogKind,
                        listed: list[tuple[str, str]]) -> None:
    """Ids loaded before, from any day's listed part, are rejected naming the file they came from."""
    if not listed:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE listed AS SELECT unnest($paths) AS filename, unnest($names) AS file_name",
                {"paths": [p for p, _ in listed], "names": [n for _, n in listed]})
    col = kind.id_column
    _reject(con, staged_file, f"""
        SELECT s.row_no, concat('{col} ', e.id, ' is already loaded from ', e.file_name)
        FROM staged s JOIN (SELECT r.{col} AS id, any_value(l.file_name) AS file_name
                            FROM read_parquet($files, filename = true) r JOIN listed l USING (filename)
                            WHERE r.{col} IN (SELECT {col} FROM staged WHERE reason IS NULL) GROUP BY 1) e
        ON s.{col} = e.id WHERE s.reason IS NULL""", {"files": [p for p, _ in listed]})


def rejects(con: duckdb.DuckDBPyConnection, first_row: int, bad: int) -> list[RowReject]:
    """The first MAX_REJECT_DETAILS rejected rows in file order, and a count line for the rest."""
    rows = con.execute(
        f"SELECT row_no + {first_row}, reason FROM staged WHERE reason IS NOT NULL ORDER BY row_no "
        f"LIMIT {MAX_REJECT_DETAILS}").fetchall()
    found = [RowReject(int(r), str(reason)) for r, reason in rows]
    if bad > len(found):
        found.append(RowReject(None, f"... and {bad - len(found):,} more rows rejected (first {len(found):,} listed)"))
    return found


def refuse_mostly_bad(con: duckdb.DuckDBPyConnection, path: Path, total: int, bad: int, first_row: int) -> None:
    if total == 0:
        raise SourceError(f"{path.name} has a header but no rows; remove it from the inbox or export it again.")
    if bad <= total * MOSTLY_BAD:
        return
    reasons = con.execute(
        f"SELECT row_no + {first_row}, reason FROM staged WHERE reason IS NOT NULL ORDER BY row_no LIMIT 10000"
    ).fetchall()
    kinds = Counter(str(r).split(" ")[0] for _, r in reasons)
    top = kinds.most_common(1)[0][0]
    row, reason = next((n, r) for n, r in reasons if str(r).split(" ")[0] == top)
    raise SourceError(
        f"{path.name}: {bad:,} of {total:,} rows are bad (e.g. row {row}: {reason}); "
        "the whole file is quarantined — fix the export and load it again.",
        row=int(row),
    )


def sql_str(path: Path) -> str:
    """A path inside a single-quoted SQL string (the staged file, parts: DuckDB takes no parameter there)."""
    return str(path).replace("'", "''")


def sql_literal(text: str) -> str:
    """`text` as a single-quoted SQL string (a reader's arguments, a column name in its options)."""
    return "'" + text.replace("'", "''") + "'"
