"""A table file's cells as a DuckDB table, for validating every row in SQL (issue 17).

A frame is a temporary table `c0 .. c{width-1} VARCHAR` in file order; `rn` (its rowid + 1, see
`Frame.source`, counted from its first rowid) is the record number a person sees (1-based, as Python's csv reader counts records).
Every cell is stripped like str.strip(), and '' where a row is short. A plain UTF-8 CSV is read by DuckDB's own reader over the whole file;
anything it does not read exactly as Python's strict csv reader would (another encoding, a quoted
line break or a blank line that shifts record numbers, a malformed quote, an over-long field, a
NUL) is read by the Python reader instead, whose error messages name the line. XLSX sheets come as
rows from calamine. Either way the checks that follow are the same SQL.
"""

from __future__ import annotations

import csv
import itertools
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

# What str.strip() removes: cells are compared as the Python reader stripped them.
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
_BATCH = 50_000  # rows per Arrow batch when rows come from Python (keeps memory flat)
_counter = itertools.count()


def strip_sql(expr: str) -> str:
    """A cell stripped as str.strip() does ('' for a missing cell); trim() with a character set is
    slow, so it only runs on the few cells that start or end with whitespace."""
    return (f"CASE WHEN {expr} IS NULL THEN '' WHEN regexp_matches({expr}, '^[{WHITESPACE}]|[{WHITESPACE}]$') "
            f"THEN trim({expr}, '{WHITESPACE}') ELSE {expr} END")


@dataclass
class Frame:
    name: str  # how messages name the table: "f.csv", or "f.xlsx sheet '2024'"
    con: duckdb.DuckDBPyConnection
    table: str
    width: int
    first_rowid: int = 0  # inside a transaction DuckDB numbers a new table's rows from 2**55

    @property
    def source(self) -> str:
        """The rows with their record number: a table filled in file order keeps it as its rowid."""
        return f"(SELECT rowid - {self.first_rowid} + 1 AS rn, * FROM {self.table})"

    def cells(self) -> list[str]:
        return [f"c{i}" for i in range(self.width)]

    def beyond(self, width: int) -> str:
        """SQL: a row's first non-empty cell right of its first `width` columns (NULL when none). Right
        of a header's last column, it is a cell a comma in an unquoted cell split off, or one the
        header names nothing for: a value that would be dropped without a word."""
        extra = [f"nullif(c{i}, '')" for i in range(width, self.width)]
        return f"coalesce({', '.join(extra)})" if extra else "CAST(NULL AS VARCHAR)"

    def rows(self, where: str = "true", limit: int | None = None) -> list[list[str]]:
        """Some rows back in Python (headers, first cells), trailing empty cells dropped."""
        cols = ", ".join(self.cells()) or "NULL"
        sql = f"SELECT {cols} FROM {self.source} WHERE {where} ORDER BY rn" + (f" LIMIT {limit}" if limit else "")
        return [_trim(list(r)) for r in self.con.execute(sql).fetchall()]

    def count(self) -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def drop(self) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {self.table}")


SCRATCH = "pulse_scratch"  # an in-memory database attached beside the warehouse for one file's checks


def temp_name(prefix: str) -> str:
    """A table name in the scratch database, unique in this process."""
    return f"{SCRATCH}._pulse_{prefix}_{next(_counter)}"


def frame_from_rows(con: duckdb.DuckDBPyConnection, name: str, rows: list[list[str]]) -> Frame:
    """Rows already read in Python (XLSX, or a CSV DuckDB's reader did not take) as a frame."""
    return frame_from_iter(con, name, iter(rows), max(1, max((len(r) for r in rows), default=0)))


def frame_from_iter(con: duckdb.DuckDBPyConnection, name: str, rows, width: int) -> Frame:
    import pyarrow as pa

    table = temp_name("frame")
    schema = pa.schema([pa.field(f"c{i}", pa.string()) for i in range(width)])
    con.execute(f"CREATE TABLE {table} (" + ", ".join(f"c{i} VARCHAR" for i in range(width)) + ")")
    while batch := list(itertools.islice(rows, _BATCH)):
        columns = [[r[i] if i < len(r) else "" for r in batch] for i in range(width)]
        arrow = pa.Table.from_arrays(columns, schema=schema)
        con.register("_pulse_rows", arrow)
        try:
            con.execute(f"INSERT INTO {table} SELECT * FROM _pulse_rows")
        finally:
            con.unregister("_pulse_rows")
    return _numbered(Frame(name, con, table, width))


def _numbered(frame: Frame) -> Frame:
    """The frame with its first rowid; its rows were appended in file order, so rowids are consecutive."""
    first, last, count = frame.con.execute(f"SELECT min(rowid), max(rowid), count(*) FROM {frame.table}").fetchone()
    if count and last - first + 1 != count:
        raise RuntimeError(f"{frame.table}: rowids are not consecutive")  # never seen; would misnumber rows
    frame.first_rowid = first or 0
    return frame


def frame_from_csv(con: duckdb.DuckDBPyConnection, path: Path, delimiter: str, width: int) -> Frame | None:
    """DuckDB's reader over the whole file, or None when its result could differ from Python's."""
    lines, clean = _line_count(path)
    if not clean or width == 0:
        return None
    table = temp_name("frame")
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    # 131,072 bytes a line: no field over csv.field_size_limit() characters gets through unreported
    reader = (f"read_csv(?, header=false, auto_detect=false, delim=?, quote='\"', escape='\"', "
              f"null_padding=true, columns={columns}, max_line_size={csv.field_size_limit()})")
    stripped = ", ".join(f"{strip_sql(f'c{i}')} AS c{i}" for i in range(width))
    try:
        # insertion order is preserved (DuckDB's default), so rowid + 1 is the line number
        con.execute(f"CREATE TABLE {table} AS SELECT {stripped} FROM {reader}", [str(path), delimiter])
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return None  # the Python reader reads it, or names the line that is wrong
    frame = _numbered(Frame(path.name, con, table, width))
    if frame.count() != lines:
        frame.drop()  # a record spans lines, or a blank line was skipped: record numbers would shift
        return None
    return frame


def _line_count(path: Path) -> tuple[int, bool]:
    """(lines, clean): clean means no NUL and no lone CR, so one line is one record."""
    lines, last = 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            if b"\x00" in chunk or b"\r" in chunk.replace(b"\r\n", b""):
                return 0, False
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (1 if last and last != b"\n" else 0), True


def _trim(row: list) -> list[str]:
    row = ["" if c is None else c for c in row]
    while row and row[-1] == "":
        row.pop()
    return row



def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The number macros (etl/sources/sql/numbers.sql) on this connection."""
    for statement in _sql_text("numbers.sql").split(";\n"):
        if statement.strip():
            con.execute(statement)


@cache
def _sql_text(name: str) -> str:
    return (Path(__file__).parent / "sql" / name).read_text(encoding="utf-8")


def number_sql(source: str, column: str, a: str) -> str:
    """`source` (a SELECT) with the number in `column` read as parse_number reads it: `{a}_ok` (a
    number of plausible size), `{a}_digits` (signed significant digits, '0' for zero) and `{a}_exp`
    (the power of ten of the last digit). One step per nested SELECT: DuckDB would repeat an
    expression named earlier in the same SELECT list wherever it is used."""
    s1 = f"pulse_num_text({column}) AS {a}_t"
    s2 = (f"pulse_num_shape({a}_t) AS {a}_shape, starts_with({a}_t, '-') AS {a}_neg, "
          f"instr(lower({a}_t), 'e') AS {a}_epos")
    s3 = (f"replace(replace(ltrim(CASE WHEN {a}_epos > 0 THEN left({a}_t, {a}_epos - 1) ELSE {a}_t END, '+-'), ',', ''), ' ', '') AS {a}_m, "
          f"CASE WHEN {a}_epos > 0 THEN TRY_CAST(substr({a}_t, {a}_epos + 1) AS BIGINT) ELSE 0 END AS {a}_e")
    s4 = (f"length(split_part({a}_m, '.', 2)) AS {a}_fl, ltrim(replace({a}_m, '.', ''), '0') AS {a}_lz")
    s5 = f"rtrim({a}_lz, '0') AS {a}_sig"
    s6 = (f"({a}_t <> '' AND {a}_shape AND {a}_e IS NOT NULL AND NOT ({a}_sig <> '' AND "
          f"{a}_e - {a}_fl + length({a}_lz) - 1 > 290)) AS {a}_ok, "
          f"CASE WHEN {a}_sig = '' THEN '0' WHEN {a}_neg THEN '-' || {a}_sig ELSE {a}_sig END AS {a}_digits, "
          f"CASE WHEN {a}_sig = '' THEN 0 ELSE {a}_e - {a}_fl + length({a}_lz) - length({a}_sig) END AS {a}_exp")
    drop = ", ".join(f"{a}_{x}" for x in ("t", "shape", "neg", "epos", "m", "e", "fl", "lz", "sig"))
    sql = source
    for stage in (s1, s2, s3, s4, s5):
        sql = f"SELECT *, {stage} FROM ({sql})"
    return f"SELECT * EXCLUDE ({drop}), {s6} FROM ({sql})"


def scratch_connection(con: duckdb.DuckDBPyConnection | None) -> duckdb.DuckDBPyConnection:
    """A cursor of the staging connection (or of a private in-memory DuckDB when a source runs on its
    own) whose tables live in an in-memory database attached as `pulse_scratch`: a failed read_csv
    aborts only the cursor's statement, never the file's transaction on the staging connection, and
    the load stage reads the checked rows from there in one INSERT ... SELECT, no copy through Python."""
    cursor = (con if con is not None else duckdb.connect()).cursor()
    cursor.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCRATCH}")
    install_macros(cursor)
    return cursor


def named_sql(file: str) -> dict[str, str]:
    """The statements of an SQL file, by their `-- name: x` line (each ends with ';')."""
    out: dict[str, str] = {}
    for part in _sql_text(file).split("-- name: ")[1:]:
        name, _, body = part.partition("\n")
        out[name.strip()] = body.strip().rstrip(";")
    return out


# An empty observation table with the hand-off's column types (etl.records.OBSERVATION_TABLE_COLUMNS).
EMPTY_OBSERVATIONS = (
    "SELECT NULL::VARCHAR AS series_id, NULL::VARCHAR AS value_as_written, NULL::VARCHAR AS unit_as_written, "
    "NULL::VARCHAR AS value_digits, NULL::BIGINT AS value_exp, NULL::DATE AS period_start, "
    "NULL::DATE AS period_end, NULL::VARCHAR AS period_label, NULL::VARCHAR AS indicator, "
    "NULL::VARCHAR AS subject, NULL::DOUBLE AS change_pct, NULL::VARCHAR AS change_kind, "
    "NULL::VARCHAR AS quote, NULL::VARCHAR AS source_url, NULL::BOOLEAN AS derived, NULL::BIGINT AS row, "
    "NULL::VARCHAR AS index_base, NULL::VARCHAR AS base_text, NULL::BIGINT AS ord LIMIT 0"
)
