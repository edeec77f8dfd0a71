"""Plant logs -> validated rows (extract) -> Parquet parts under the load's id (load); reading back.

Layout: <telemetry_dir>/<kind>/plant=<plant>/date=<yyyy-mm-dd>/part-<load_id>-<sha16>.parquet, one
part per source file and day. A part becomes visible only with the warehouse that lists it in
`telemetry_parts` (written in the same transaction as the file's document row, published by the
same rename): readers never glob the folders. Parts no published warehouse lists (a load killed
before its publish) are removed by the next load. The file is streamed through DuckDB with a memory
limit (spilling to disk), never loaded into Python. Partition values are validated row by row
(validate.py) and the final path is checked to stay inside the telemetry folder.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
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
from etl.records import NotReady, RowReject, SourceError
from etl.sources.text import decode_text

MEMORY_LIMIT = "512MB"  # the staged rows spill past it; the process peaks well under 1 GB


@dataclass(frozen=True)
class Part:
    """One written Parquet part: a row of `telemetry_parts` (path relative to the warehouse folder)."""

    path: str
    kind: str
    plant: str
    day: date
    rows: int


@dataclass
class Validated:
    """A plant log's rows, typed and checked, held in a private DuckDB until the load stage writes them."""

    kind: LogKind
    sha256: str
    rows: int
    loaded: int
    rejects: list[RowReject]
    partitions: list[tuple[str, date]]  # (plant, day) with good rows
    simulated: bool
    con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)
    spill: Path | None = None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        if self.spill is not None:
            _remove_if_empty(self.spill)


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


# A plant names a Parquet folder (plant=<value>): letters, digits, space, '-', '_', '.', starting with
# a letter or digit, so no value holds '/', is '..', or holds the '=' hive partitions split on.
PLANT_NAME = re.compile(r"[^\W_][\w .-]{0,63}")
PLANT_RULE = ("may hold only letters, digits, spaces, -, _ and . (at most 64, starting with a letter or digit); "
              "it names a folder")


def _mark_bad_plants(con: duckdb.DuckDBPyConnection) -> None:
    """Checked on the distinct values (a handful), not per row: a regex over every row cost 8x the read."""
    plants = [r[0] for r in con.execute("SELECT DISTINCT plant FROM staged WHERE reason IS NULL").fetchall()]
    bad = [p for p in plants if not PLANT_NAME.fullmatch(p)]
    if bad:
        con.execute("UPDATE staged SET reason = concat('plant ''', plant, ''' ', $rule) "
                    "WHERE reason IS NULL AND plant IN (SELECT unnest($bad))", {"bad": bad, "rule": PLANT_RULE})


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


def check_complete(path: Path) -> None:
    """A CSV export still being written (or cut off) ends inside a line: not loaded until it is whole."""
    if path.suffix.lower() != ".csv":
        return  # a cut Parquet file fails to open and is rejected with pyarrow's reason
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return
        fh.seek(-1, os.SEEK_END)
        last = fh.read(1)
    if last not in (b"\n", b"\r"):
        raise NotReady(f"{path.name}: skipped, its last line is incomplete (still being written or cut off); "
                       "it loads once the export is complete.")


def _mark_already_loaded(con: duckdb.DuckDBPyConnection, kind: LogKind, listed: list[tuple[str, str]]) -> None:
    """Ids loaded before, from any day's listed part, are rejected naming the file they came from."""
    if not listed:
        return
    con.execute("CREATE TEMP TABLE listed AS SELECT unnest($paths) AS filename, unnest($names) AS file_name",
                {"paths": [p for p, _ in listed], "names": [n for _, n in listed]})
    col = kind.id_column
    con.execute(
        f"""UPDATE staged SET reason = concat('{col} ', e.id, ' is already loaded from ', e.file_name)
            FROM (SELECT r.{col} AS id, any_value(l.file_name) AS file_name
                  FROM read_parquet($files, filename = true) r JOIN listed l USING (filename)
                  WHERE r.{col} IN (SELECT {col} FROM staged WHERE reason IS NULL) GROUP BY 1) e
            WHERE staged.{col} = e.id AND staged.reason IS NULL""",
        {"files": [p for p, _ in listed]},
    )


def validate(path: Path, kind: LogKind, sha256: str, listed: list[tuple[str, str]], telemetry_dir: Path) -> Validated:
    """Type and check every row of a plant log; the good rows stay in the returned connection.

    `listed` is (absolute part path, source file name) of every published part of this kind, for the
    across-file duplicate check. Raises SourceError when the file is unreadable, lacks columns, or is
    mostly bad rows, NotReady when a CSV's last line is incomplete.
    """
    check_complete(path)
    first_row = 1 if path.suffix.lower() == ".parquet" else 2  # CSV: row 1 is the header
    con = _connect(telemetry_dir)
    got = Validated(kind, sha256, 0, 0, [], [], False, con, telemetry_dir / ".spill")
    try:
        _stage(con, path, kind)
        _mark_bad_plants(con)
        _mark_duplicates(con, kind, first_row)
        _mark_already_loaded(con, kind, listed)
        total, bad, simulated = con.execute(
            "SELECT count(*), count(reason), coalesce(bool_or(simulated), false) FROM staged"
        ).fetchone() or (0, 0, False)
        _refuse_mostly_bad(con, path, total, bad, first_row)
        got.rows, got.loaded, got.simulated = total, total - bad, bool(simulated)
        got.rejects = _rejects(con, first_row, bad)
        got.partitions = [(p, d) for p, d in con.execute(
            "SELECT DISTINCT plant, date FROM staged WHERE reason IS NULL ORDER BY ALL").fetchall()]
    except BaseException:
        got.close()
        raise
    return got


def part_path(kind: str, plant: str, day: date, load_id: str, sha256: str) -> str:
    """A part's path relative to the warehouse folder."""
    return f"telemetry/{kind}/plant={plant}/date={day.isoformat()}/part-{load_id}-{sha256[:16]}.parquet"


def _part_targets(got: Validated, warehouse_dir: Path, load_id: str) -> list[tuple[str, Path]]:
    """(relative path, absolute path) of each (plant, day)'s part, checked to be one folder inside telemetry/."""
    root = (warehouse_dir / "telemetry").resolve()
    targets = []
    for plant, day in got.partitions:
        rel = part_path(got.kind.name, plant, day, load_id, got.sha256)
        target = (warehouse_dir / rel).resolve()
        if not target.is_relative_to(root) or target.parent.parent.parent.parent != root:
            raise SourceError(f"plant value {plant!r} does not name one folder; fix the file.")
        targets.append((rel, target))
    return targets


def write_parts(got: Validated, warehouse_dir: Path, load_id: str) -> list[Part]:
    """One Parquet part per (plant, day), from ONE pass over the staged rows (the Parquet backend).

    A single COPY ... PARTITION_BY (part_no) writes every day's file into telemetry/.staging/<load>-<file>/
    (part_no = the index of (plant, day) in got.partitions, so no plant value becomes a folder name
    DuckDB would have to escape); each file is then renamed into its published place. One COPY per day
    rescanned the whole staged table each time (24 % of the ingest at 7 days, growing with the days).
    A load killed mid-write leaves only .staging/ (removed by the next load) or unlisted parts.
    """
    assert got.con is not None, "write_parts after close"
    targets = _part_targets(got, warehouse_dir, load_id)
    if not targets:
        return []
    scratch = warehouse_dir / "telemetry" / ".staging" / f"{load_id}-{got.sha256[:16]}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    got.con.execute(
        "CREATE OR REPLACE TEMP TABLE part_numbers AS SELECT unnest($plants) AS plant, unnest($days) AS date, "
        "unnest(range(len($plants))) AS part_no",
        {"plants": [p for p, _ in got.partitions], "days": [d for _, d in got.partitions]},
    )
    got.con.execute("SET preserve_insertion_order = false")  # the part's rows keep no order (readers sort)
    # Each open partition buffers this many rows outside the memory limit (default 524,288: +300 MB
    # RSS at 7 days); a small threshold keeps the write near the limit, and was no slower.
    got.con.execute("SET partitioned_write_flush_threshold = 16384")
    try:
        got.con.execute(
            f"""COPY (SELECT {PARQUET_COLUMNS[got.kind.name]}, '{got.sha256[:16]}' AS document_id, n.part_no
                      FROM staged JOIN part_numbers n USING (plant, date) WHERE reason IS NULL)
                TO '{_sql_str(scratch)}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (part_no))""")
    finally:
        got.con.execute("SET preserve_insertion_order = true")  # rowid = file order for the row checks
    parts = [_place(got, scratch / f"part_no={i}", rel, target, plant, day)
             for i, ((rel, target), (plant, day)) in enumerate(zip(targets, got.partitions, strict=True))]
    shutil.rmtree(scratch, ignore_errors=True)
    _remove_if_empty(scratch.parent)
    return parts


def _place(got: Validated, folder: Path, rel: str, target: Path, plant: str, day: date) -> Part:
    """Move one partition's file into its place (DuckDB splits a partition only past its open-file limit)."""
    assert got.con is not None
    files = sorted(folder.glob("*.parquet"))
    target.parent.mkdir(parents=True, exist_ok=True)
    if len(files) == 1:
        os.replace(files[0], target)
    else:  # several files for one day: merged into the one part the layout has
        partial = target.with_name(target.name + ".tmp")
        got.con.execute(f"COPY (SELECT * FROM read_parquet($files)) TO '{_sql_str(partial)}' "
                        "(FORMAT parquet, COMPRESSION zstd)", {"files": [str(f) for f in files]})
        os.replace(partial, target)
    return Part(rel, got.kind.name, plant, day, pq.read_metadata(target).num_rows)


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def _remove_if_empty(folder: Path) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


# --- reading back -------------------------------------------------------------------------------


def telemetry_dir_of(con: duckdb.DuckDBPyConnection) -> Path:
    """<the warehouse file's folder>/telemetry, for a connection to the published warehouse."""
    found = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    row = found[0] if found else None
    if not row or not row[0]:
        raise ValueError("this connection is not to a warehouse file, so it has no telemetry folder")
    return Path(row[0]).resolve().parent / "telemetry"


def listed_parts(con: duckdb.DuckDBPyConnection, kind: str, day: date | None = None) -> list[str]:
    """Paths (relative to the warehouse folder) of the parts this warehouse lists: the only ones to read."""
    sql = "SELECT path FROM telemetry_parts WHERE kind = $kind"
    params: dict = {"kind": kind}
    if day is not None:
        sql += " AND day = $day"
        params["day"] = day
    return [r[0] for r in con.execute(sql + " ORDER BY path", params).fetchall()]


def _rows(con: duckdb.DuckDBPyConnection, kind: LogKind, day: date, where: dict[str, str | None]) -> pl.DataFrame:
    base = telemetry_dir_of(con).parent
    files = [str(base / p) for p in listed_parts(con, kind.name, day)]
    filters = {k: v for k, v in where.items() if v is not None}
    order = "ts" if kind.name == "weld" else "started_at"
    if not files:
        return pl.DataFrame()
    sql = ("SELECT * FROM read_parquet($files, hive_partitioning = true, "
           "hive_types = {'plant': VARCHAR, 'date': DATE})")
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
