"""The one-pass ingest of a clean plant log: the file is read, typed, checked and written as its
day parts in ONE COPY, when nothing in it needs a message.

The staged path (etl.plant.telemetry: stage the rows in file order, check, then write the parts)
reads the rows twice and writes them twice, because a rejected row's message names its row number
and only an ordered single file has one. So this path is tried first: one COPY writes the good
rows straight to one Parquet file per (plant, day) in the parts' own columns (partitioned by plant
and date), with RETURN_STATS giving each file's rows; the first row its row checks refuse stops the
COPY. The file is clean when the COPY ran through, every plant is a valid folder name, no id
repeats and no id is already loaded; then the written files are the parts and the checks had
nothing to say. Otherwise — or when the COPY fails — its output is deleted and the staged path
runs as before, so every message, reject and refusal comes from one place.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import duckdb

from etl.plant import checks
from etl.plant.schema import LogKind
from etl.plant.validate import PARQUET_COLUMNS, STAGING_SQL

REFUSED = "a row has a reason to be refused"  # stops the one pass
HIVE = "hive_partitioning = true, hive_types = {'plant': VARCHAR, 'date': DATE}"


@dataclass(frozen=True)
class Written:
    """A clean file's rows, written: its (plant, day) files and the counts the load reports."""

    files: dict[tuple[str, date], list[str]]  # (plant, day) -> the file(s) DuckDB wrote for it
    rows: int
    simulated: bool

    @property
    def paths(self) -> list[str]:
        return [f for fs in self.files.values() for f in fs]


def try_clean(con: duckdb.DuckDBPyConnection, source: str, kind: LogKind, sha256: str, folder: Path,
              listed: list[tuple[str, str]]) -> Written | None:
    """The file's parts in `folder` when the file is clean; None (and `folder` removed) when it is not."""
    written = _copy(con, source, kind, sha256, folder)
    written = written and _checked(con, written, kind, listed)
    if written is None:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    staged_view(con, written.paths)
    return written


def _copy(con: duckdb.DuckDBPyConnection, source: str, kind: LogKind, sha256: str, folder: Path) -> Written | None:
    """One COPY of the typed rows to plant=/date=/ files; None when it fails or meets a refused row.

    The first refused row stops the COPY (error()), so a file with bad rows costs only the part of
    the pass before one is met (a bad row in every 100,000 cost +1.4 s at 7 days when it ran to the end)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    con.execute("SET preserve_insertion_order = false")  # a part's rows keep no order (readers sort)
    # Each open partition buffers this many rows outside the memory limit (default 524,288: +300 MB
    # RSS at 7 days); a small threshold keeps the write near the limit, and was no slower.
    con.execute("SET partitioned_write_flush_threshold = 16384")
    try:
        stats = con.execute(
            f"""COPY (SELECT {PARQUET_COLUMNS[kind.name]}, '{sha256[:16]}' AS document_id,
                             CASE WHEN reason IS NULL THEN plant ELSE error('{REFUSED}') END AS plant, date
                      FROM ({STAGING_SQL[kind.name](source)}))
                TO '{checks.sql_str(folder)}'
                (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (plant, date), RETURN_STATS)""").fetchall()
    except duckdb.Error:
        return None  # a refused row, or unreadable: the staged path reads the file again and says why
    finally:
        con.execute("SET preserve_insertion_order = true")  # the staged path's row numbers need it
    files: dict[tuple[str, date], list[str]] = {}
    for filename, _count, _size, _footer, _columns, keys in stats:
        files.setdefault((keys["plant"], date.fromisoformat(keys["date"])), []).append(filename)
    rows = sum(r[1] for r in stats)
    return Written(files, rows, False) if rows else None  # no rows: the staged path refuses the file


def _checked(con: duckdb.DuckDBPyConnection, written: Written, kind: LogKind,
             listed: list[tuple[str, str]]) -> Written | None:
    """`written` with its simulated flag when no plant breaks the folder rule, no id is twice in the
    file and none is already loaded (checks.py's late checks asked yes/no: any yes means the staged
    path, which names the rows)."""
    if any(not checks.PLANT_NAME.fullmatch(plant) for plant, _ in written.files):
        return None
    col = kind.id_column
    paths = written.paths
    # distinct 64-bit hashes: a collision of two different ids only sends the file the exact way
    simulated, repeats = con.execute(
        f"SELECT bool_or(simulated), count(*) - count(DISTINCT hash({col})) FROM read_parquet($files)",
        {"files": paths}).fetchone()
    if repeats:
        return None
    if listed:
        loaded = con.execute(
            f"SELECT EXISTS (SELECT 1 FROM read_parquet($old) WHERE {col} IN "
            f"(SELECT {col} FROM read_parquet($files)))", {"old": [p for p, _ in listed], "files": paths}).fetchone()
        if loaded and loaded[0]:
            return None
    return replace(written, simulated=bool(simulated))


def staged_view(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """`staged` over written parts (plant and date from their folders, no rejected row): what the
    aggregates and the lake read, as they read the staged file on the staged path."""
    con.execute(f"""CREATE OR REPLACE TEMP VIEW staged AS
                    SELECT * EXCLUDE (document_id),
                           CAST(NULL AS VARCHAR) AS reason
                    FROM read_parquet({_list(files)}, {HIVE})""")


def _list(files: list[str]) -> str:
    return "[" + ", ".join(f"'{checks.sql_str(Path(f))}'" for f in files) + "]"
