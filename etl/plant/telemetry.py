"""Plant logs -> validated, hive-partitioned Parquet; and reading it back (drill-down).

Layout: <telemetry_dir>/<kind>/plant=<plant>/date=<yyyy-mm-dd>/part-<sha16>-<i>.parquet, one part
per source file and day. Parts are written to a hidden staging folder and moved into place with
os.replace once complete; the name comes from the source file's sha256, so a crash-and-retry
overwrites the same part instead of adding a second copy. The file is streamed through DuckDB with
a memory limit (spilling to disk), never loaded into Python.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from etl.plant.schema import (
    KINDS,
    MAX_REJECT_DETAILS,
    MOSTLY_BAD,
    LogKind,
    kind_of_header,
    map_columns,
    missing_columns,
)
from etl.plant.validate import PARQUET_COLUMNS, STAGING_SQL, source_select
from etl.sources.base import RowReject, SourceError
from etl.sources.text import decode_text

MEMORY_LIMIT = "1GB"


@dataclass
class Ingested:
    kind: LogKind
    sha256: str
    rows: int
    loaded: int
    rejects: list[RowReject]
    partitions: list[tuple[str, date]]  # (plant, day) touched by this file
    simulated: bool
    staging: Path  # the parts, until publish_parts moves them into their partitions


def read_header(path: Path) -> list[str]:
    """The column names of a CSV or Parquet plant log."""
    if path.suffix.lower() == ".parquet":
        try:
            return list(pq.read_schema(path).names)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds
            raise SourceError(f"{path.name} is not a readable Parquet file ({exc}); export it again.") from None
    with path.open("rb") as fh:
        first = fh.readline(65536)
    text, _ = decode_text(first, path.name)
    sep = max((",", ";", "\t", "|"), key=text.count)
    return [c.strip().strip('"') for c in text.strip("\r\n").split(sep)]


def detect_kind(path: Path) -> LogKind | None:
    if path.suffix.lower() not in (".csv", ".parquet"):
        return None
    try:
        return kind_of_header(read_header(path))
    except SourceError:
        return None


def partition_dir(telemetry_dir: Path, kind: str, plant: str, day: date) -> Path:
    return telemetry_dir / kind / f"plant={plant}" / f"date={day.isoformat()}"


def part_prefix(sha256: str) -> str:
    return f"part-{sha256[:16]}-"


def _connect(telemetry_dir: Path) -> duckdb.DuckDBPyConnection:
    spill = telemetry_dir / ".spill"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    return con


def _reader(path: Path) -> str:
    p = "'" + str(path).replace("'", "''") + "'"
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({p})"
    return f"read_csv({p}, header = true, all_varchar = true, null_padding = true)"


def _stage(con: duckdb.DuckDBPyConnection, path: Path, kind: LogKind) -> None:
    mapping = map_columns(read_header(path), kind)
    missing = missing_columns(mapping, kind)
    if missing:
        raise SourceError(
            f"{path.name}: a {kind.name} log needs the column(s) {', '.join(missing)}, which the header lacks; "
            "export the file with them."
        )
    source = f"(SELECT {source_select(mapping, kind)} FROM {_reader(path)})"
    try:
        con.execute(f"CREATE TABLE staged AS {STAGING_SQL[kind.name](source)}")
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise SourceError(f"{path.name} cannot be read as a {kind.name} log ({first}); fix the file.") from None


def _mark_duplicates(con: duckdb.DuckDBPyConnection, kind: LogKind, first_row: int) -> None:
    # Group on a 64-bit hash first (cheap), then compare the few ids whose hashes collide.
    col = kind.id_column
    con.execute(f"""
        CREATE TEMP TABLE dup AS
        WITH h AS (SELECT hash({col}) AS h FROM staged WHERE reason IS NULL GROUP BY 1 HAVING count(*) > 1)
        SELECT {col} AS id, min(rowid) AS first FROM staged WHERE reason IS NULL AND hash({col}) IN (SELECT h FROM h)
        GROUP BY {col} HAVING count(*) > 1""")
    con.execute(f"""
        UPDATE staged SET reason = concat('duplicate {col} ', staged.{col}, ' (first at row ',
                                          dup.first + {first_row}, ')')
        FROM dup WHERE staged.{col} = dup.id AND staged.rowid > dup.first AND staged.reason IS NULL""")


def _existing_parts(telemetry_dir: Path, kind: LogKind, partitions: list[tuple[str, date]], own: str) -> list[str]:
    files = []
    for plant, day in partitions:
        folder = partition_dir(telemetry_dir, kind.name, plant, day)
        if folder.is_dir():
            files += [str(p) for p in sorted(folder.glob("*.parquet")) if not p.name.startswith(own)]
    return files


def _mark_already_loaded(
    con: duckdb.DuckDBPyConnection, telemetry_dir: Path, kind: LogKind, sha256: str
) -> None:
    partitions = con.execute("SELECT DISTINCT plant, date FROM staged WHERE reason IS NULL").fetchall()
    files = _existing_parts(telemetry_dir, kind, partitions, part_prefix(sha256))
    if not files:
        return
    con.execute(
        f"""UPDATE staged SET reason = concat('{kind.id_column} ', e.id, ' is already loaded (document ',
                                              e.document_id, ')')
            FROM (SELECT {kind.id_column} AS id, any_value(document_id) AS document_id
                  FROM read_parquet($files) GROUP BY 1) e
            WHERE staged.{kind.id_column} = e.id AND staged.reason IS NULL""",
        {"files": files},
    )


def _rejects(con: duckdb.DuckDBPyConnection, first_row: int, bad: int) -> list[RowReject]:
    rows = con.execute(
        f"SELECT rowid + {first_row}, reason FROM staged WHERE reason IS NOT NULL ORDER BY rowid LIMIT {MAX_REJECT_DETAILS}"
    ).fetchall()
    rejects = [RowReject(int(r), str(reason)) for r, reason in rows]
    if bad > len(rejects):
        rejects.append(RowReject(None, f"... and {bad - len(rejects):,} more rows rejected (first {len(rejects):,} listed)"))
    return rejects


def _refuse_mostly_bad(con: duckdb.DuckDBPyConnection, path: Path, total: int, bad: int, first_row: int) -> None:
    if total == 0:
        raise SourceError(f"{path.name} has a header but no rows; remove it from the inbox or export it again.")
    if bad <= total * MOSTLY_BAD:
        return
    reasons = con.execute(
        f"SELECT rowid + {first_row}, reason FROM staged WHERE reason IS NOT NULL ORDER BY rowid LIMIT 10000"
    ).fetchall()
    kinds = Counter(str(r).split(" ")[0] for _, r in reasons)
    top = kinds.most_common(1)[0][0]
    row, reason = next((n, r) for n, r in reasons if str(r).split(" ")[0] == top)
    raise SourceError(
        f"{path.name}: {bad:,} of {total:,} rows are bad (e.g. row {row}: {reason}); "
        "the whole file is quarantined — fix the export and load it again.",
        row=int(row),
    )


def staging_dir(telemetry_dir: Path, kind: LogKind, sha256: str) -> Path:
    return telemetry_dir / ".staging" / f"{kind.name}-{sha256[:16]}"


def _write_staging(con: duckdb.DuckDBPyConnection, staging: Path, kind: LogKind, sha256: str) -> None:
    """One Parquet part per (plant, day), written one after another.

    Sequential single-partition COPYs beat one PARTITION_BY COPY here: the staged rows are in file
    (time) order, so each day's scan skips the other days' row groups, and only one writer is open.
    """
    shutil.rmtree(staging, ignore_errors=True)
    partitions = con.execute("SELECT DISTINCT plant, date FROM staged WHERE reason IS NULL ORDER BY ALL").fetchall()
    for plant, day in partitions:
        folder = partition_dir(staging, "", plant, day)
        folder.mkdir(parents=True, exist_ok=True)
        target = str(folder / f"{part_prefix(sha256)}0.parquet").replace("'", "''")
        con.execute(
            f"""COPY (SELECT {PARQUET_COLUMNS[kind.name]}, '{sha256[:16]}' AS document_id
                      FROM staged WHERE reason IS NULL AND plant = $plant AND date = $day)
                TO '{target}' (FORMAT parquet, COMPRESSION zstd)""",
            {"plant": plant, "day": day},
        )


def publish_parts(ingested: Ingested, telemetry_dir: Path) -> list[Path]:
    """Move the file's parts from staging into their partitions (os.replace, part by part).

    Parts an interrupted earlier run of the same file left behind are replaced, not added to.
    """
    staging = ingested.staging
    produced = sorted(staging.rglob("*.parquet")) if staging.is_dir() else []
    dests = [telemetry_dir / ingested.kind.name / p.relative_to(staging) for p in produced]
    prefix = part_prefix(ingested.sha256)
    for folder in {d.parent for d in dests}:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{prefix}*.parquet"):
            old.unlink()
    for src, dest in zip(produced, dests, strict=True):
        os.replace(src, dest)
    shutil.rmtree(staging, ignore_errors=True)
    _remove_if_empty(telemetry_dir / ".staging")
    return dests


def _remove_if_empty(folder: Path) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def ingest(path: Path, kind: LogKind, sha256: str, telemetry_dir: Path) -> Ingested:
    """Validate a plant log and write its good rows as Parquet parts in a staging folder.

    Raises SourceError when the file is unreadable, lacks columns, or is mostly bad rows.
    `publish_parts` then moves the parts into place (the source does so in `after_load`).
    """
    first_row = 1 if path.suffix.lower() == ".parquet" else 2  # CSV: row 1 is the header
    con = _connect(telemetry_dir)
    try:
        _stage(con, path, kind)
        _mark_duplicates(con, kind, first_row)
        _mark_already_loaded(con, telemetry_dir, kind, sha256)
        total, bad, simulated = con.execute(
            "SELECT count(*), count(reason), coalesce(bool_or(simulated), false) FROM staged"
        ).fetchone() or (0, 0, False)
        _refuse_mostly_bad(con, path, total, bad, first_row)
        rejects = _rejects(con, first_row, bad)
        partitions = con.execute(
            "SELECT DISTINCT plant, date FROM staged WHERE reason IS NULL ORDER BY ALL"
        ).fetchall()
        staging = staging_dir(telemetry_dir, kind, sha256)
        _write_staging(con, staging, kind, sha256)
    finally:
        con.close()
        _remove_if_empty(telemetry_dir / ".spill")
    return Ingested(kind, sha256, total, total - bad, rejects, [(p, d) for p, d in partitions], bool(simulated),
                    staging)


# --- reading back -------------------------------------------------------------------------------


def telemetry_dir_of(con: duckdb.DuckDBPyConnection) -> Path:
    """<the warehouse file's folder>/telemetry, for a connection to the published warehouse."""
    found = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    row = found[0] if found else None
    if not row or not row[0]:
        raise ValueError("this connection is not to a warehouse file, so it has no telemetry folder")
    return Path(row[0]).resolve().parent / "telemetry"


def _rows(con: duckdb.DuckDBPyConnection, kind: LogKind, day: date, where: dict[str, str | None]) -> pl.DataFrame:
    root = telemetry_dir_of(con) / kind.name
    files = sorted(str(p) for p in root.glob(f"plant=*/date={day.isoformat()}/*.parquet"))
    filters = {k: v for k, v in where.items() if v is not None}
    order = "ts" if kind.name == "weld" else "started_at"
    if not files:
        return pl.DataFrame()
    sql = "SELECT * FROM read_parquet($files, hive_partitioning = true, hive_types = {'date': DATE})"
    if filters:
        sql += " WHERE " + " AND ".join(f"{k} = ${k}" for k in filters)
    return con.sql(sql + f" ORDER BY {order}", params={"files": files, **filters}).pl()


def weld_rows(
    con: duckdb.DuckDBPyConnection, day: date, line: str | None = None, robot: str | None = None,
    plant: str | None = None,
) -> pl.DataFrame:
    """Every weld of one day (optionally one line / robot / plant), in time order, from its partition only."""
    return _rows(con, KINDS[0], day, {"line": line, "robot": robot, "plant": plant})


def gallium_rows(con: duckdb.DuckDBPyConnection, day: date, line: str | None = None, plant: str | None = None) -> pl.DataFrame:
    """Every gallium batch that started on one day, from its partition only."""
    return _rows(con, KINDS[1], day, {"line": line, "plant": plant})
