"""Plant logs -> validated rows (extract) -> Parquet parts under the load's id (load); reading back.

Layout: <telemetry_dir>/<kind>/plant=<plant>/date=<yyyy-mm-dd>/part-<load_id>-<sha16>.parquet, one
part per source file and day. A part becomes visible only with the warehouse that lists it in
`telemetry_parts` (written in the same transaction as the file's document row, published by the
same rename): readers never glob the folders. Parts no published warehouse lists (a load killed
before its publish) are removed by the next load. The file is streamed through DuckDB with a memory
limit, never loaded into Python: a clean file straight to its parts (etl.plant.onepass), any other
into a staged Parquet file (see STAGE_COMPRESSION) that the checks and the parts' write read.
Partition values are validated row by row (validate.py) and the final path is checked to stay
inside the telemetry folder.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from etl.periods import latest_allowed_end
from etl.plant import checks, onepass
from etl.plant.schema import (
    KINDS,
    LogKind,
    kind_of_header,
    map_columns,
    missing_columns,
)
from etl.plant.validate import PARQUET_COLUMNS, STAGING_SQL, source_select
from etl.records import NotReady, RowReject, SourceError
from etl.settings import MAX_FUTURE_DAYS, PLANT_TIMEZONE
from etl.sources.text import decode_text

MEMORY_LIMIT = "512MB"  # DuckDB's own limit; the process peaks well under 1 GB (bench/bench_plant.py)
# The staged rows are written once, in file order, to a Parquet file in <telemetry>/.spill/ (its row
# number is the file's row number) and every check and write reads that file. A DuckDB table of the
# rows cost twice the read itself at 90 days (23 M wide rows spilled past the memory limit
# uncompressed, then read back by each check); the Parquet file is ~10x smaller, written in one
# streaming pass, and each later step reads only the columns and row groups it needs.
STAGE_COMPRESSION = "snappy"  # cheaper to write than zstd for a file read a few times and deleted


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
    """A plant log's rows, typed and checked, staged in a private DuckDB until the load stage writes them.

    The rows are the `staged` view of `con` (over `staged_file`, with the rows later checks rejected
    in the `late_rejects` table); `close` removes the file."""

    kind: LogKind
    sha256: str
    rows: int
    loaded: int
    rejects: list[RowReject]
    partitions: list[tuple[str, date]]  # (plant, day) with good rows
    simulated: bool
    con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)
    spill: Path | None = None
    staged_file: Path | None = None  # the staged path's rows (None when the one pass wrote the parts)
    written: dict[tuple[str, date], list[str]] | None = None  # the one pass's files per (plant, day)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        if self.staged_file is not None:
            self.staged_file.unlink(missing_ok=True)
            self.staged_file = None
        if self.spill is not None:  # this file's own folder, then .spill/ when no other load uses it
            shutil.rmtree(self.spill, ignore_errors=True)
            _remove_if_empty(self.spill.parent)


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


def _connect(spill: Path, zone: str, max_future_days: int) -> duckdb.DuckDBPyConnection:
    """`spill` is the file's own folder in .spill/: two loads at once (the lake) never remove each other's.
    `zone` is the plants' time zone: times with an offset, and Parquet's zoned times, become local to it;
    no time may fall after the last day tables may state (etl.periods, the setting max_future_days)."""
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    con.execute(f"SET TimeZone = {checks.sql_literal(zone)}")
    con.execute("SET VARIABLE pulse_latest_day = ?", [latest_allowed_end(max_future_days)])
    con.execute("SET VARIABLE pulse_max_future_days = ?", [max_future_days])
    con.execute("SET preserve_insertion_order = true")  # the staged file keeps the rows in file order
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TEMP TABLE late_rejects (row_no BIGINT, reason VARCHAR)")
    return con


def _reader(path: Path, strict: bool = False) -> str:
    """strict: a CSV row with more or fewer fields than the header stops the read; else short rows
    are padded with NULLs and a longer row in the sample adds columns (_beyond_header)."""
    p = checks.sql_literal(str(path))
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({p})"
    return f"read_csv({p}, header = true, all_varchar = true, null_padding = {str(not strict).lower()})"


def _source(con: duckdb.DuckDBPyConnection, path: Path, kind: LogKind, strict: bool) -> str:
    """The file as a relation of the kind's canonical columns (as read: strings from CSV). `strict`
    is the one pass's reader: a clean file's rows all have the header's fields, so a row that has
    not stops it, and the staged way's padded reader names the row."""
    header = read_header(path)
    mapping = map_columns(header, kind)
    missing = missing_columns(mapping, kind)
    if missing:
        raise SourceError(
            f"{path.name}: a {kind.name} log needs the column(s) {', '.join(missing)}, which the header lacks; "
            "export the file with them."
        )
    beyond = [] if strict else _beyond_header(con, path, header)
    return f"(SELECT {source_select(mapping, kind, beyond, len(header))} FROM {_reader(path, strict)})"


def _beyond_header(con: duckdb.DuckDBPyConnection, path: Path, header: list[str]) -> list[str]:
    """The columns a CSV's reader adds right of the header: a row in its sample has more fields (a
    separator in an unquoted field). A longer row past the sample stops the read (its line named).
    The staged way's only: the sniff costs about 50 ms a file, whatever its size."""
    if path.suffix.lower() == ".parquet":
        return []
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_reader(path)}").fetchall()]
    except duckdb.Error:
        return []  # unreadable: the staged path's read names the reason
    return names[len(header):]


def _stage(con: duckdb.DuckDBPyConnection, path: Path, kind: LogKind, source: str, staged_file: Path) -> None:
    """One streaming pass over the file: typed rows and their per-row reason, in file order, to `staged_file`."""
    try:
        con.execute(f"COPY ({STAGING_SQL[kind.name](source)}) TO '{checks.sql_str(staged_file)}' "
                    f"(FORMAT parquet, COMPRESSION {STAGE_COMPRESSION})")
    except duckdb.Error as exc:
        raise SourceError(_unreadable(path, kind, str(exc))) from None
    checks.staged_view(con, staged_file)


_LONG_LINE = re.compile(r"CSV Error on Line: (\d+).*Expected Number of Columns: (\d+) Found: (\d+)", re.S)


def _unreadable(path: Path, kind: LogKind, error: str) -> str:
    """Why DuckDB's reader stopped, in one line. A longer row past the reader's sample is named with
    its fields (one in its sample is a row reject: validate.source_select)."""
    longer = _LONG_LINE.search(error)
    if longer and int(longer[3]) > int(longer[2]):
        line, header, found = longer.groups()
        return (f"{path.name} line {line} has {found} fields where the header has {header} (a separator in an "
                "unquoted field?); quote that field, or remove what is beyond the header, and load the file again.")
    first = error.strip().splitlines()[0]
    return f"{path.name} cannot be read as a {kind.name} log ({first}); fix the file."


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


def validate(path: Path, kind: LogKind, sha256: str, listed: list[tuple[str, str]], telemetry_dir: Path,
             zone: str = PLANT_TIMEZONE, max_future_days: int = MAX_FUTURE_DAYS) -> Validated:
    """Type and check every row of a plant log; the rows stay staged (the `staged` view of the returned connection).

    `listed` is (absolute part path, source file name) of every published part of this kind, for the
    across-file duplicate check; `zone` and `max_future_days` are the settings. Raises SourceError
    when the file is unreadable, lacks columns, or is mostly bad rows, NotReady when a CSV's last line
    is incomplete.
    """
    check_complete(path)
    first_row = 1 if path.suffix.lower() == ".parquet" else 2  # CSV: row 1 is the header
    spill = telemetry_dir / ".spill" / f"{sha256[:16]}-{uuid.uuid4().hex[:8]}"
    con = _connect(spill, zone, max_future_days)
    got = Validated(kind, sha256, 0, 0, [], [], False, con, spill)
    try:
        strict = _source(con, path, kind, strict=True)
        written = onepass.try_clean(con, strict, kind, sha256, spill / "parts", listed)
        if written is not None:  # a clean file: its parts are written, nothing to report
            got.rows = got.loaded = written.rows
            got.simulated, got.written = written.simulated, written.files
            got.partitions = sorted(written.files)
            return got
        got.staged_file = spill / "staged.parquet"
        _stage(con, path, kind, _source(con, path, kind, strict=False), got.staged_file)
        _check_staged(got, path, first_row, listed)
    except BaseException:
        got.close()
        raise
    return got


def _check_staged(got: Validated, path: Path, first_row: int, listed: list[tuple[str, str]]) -> None:
    """The staged path's checks: each rejected row gets its row number and reason."""
    con, staged_file = got.con, got.staged_file
    assert con is not None and staged_file is not None
    checks.mark_bad_plants(con, staged_file)
    checks.mark_duplicates(con, staged_file, got.kind, first_row)
    checks.mark_already_loaded(con, staged_file, got.kind, listed)
    # one scan for the counts and the (plant, day)s with good rows
    groups = con.execute("SELECT plant, date, count(*), count(reason), bool_or(simulated) "
                         "FROM staged GROUP BY ALL ORDER BY plant, date").fetchall()
    total, bad = sum(g[2] for g in groups), sum(g[3] for g in groups)
    checks.refuse_mostly_bad(con, path, total, bad, first_row)
    got.rows, got.loaded, got.simulated = total, total - bad, any(bool(g[4]) for g in groups)
    got.rejects = checks.rejects(con, first_row, bad)
    got.partitions = [(g[0], g[1]) for g in groups if g[2] > g[3]]


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
    """One Parquet part per (plant, day) (the Parquet backend). A clean file's parts were written by
    its one pass (etl.plant.onepass) and are only moved into place; otherwise, from ONE pass over the
    staged rows: a single COPY ... PARTITION_BY (part_no) writes every day's file into
    telemetry/.staging/<load>-<file>/ (part_no = the index of (plant, day) in got.partitions, so no plant value becomes a folder name
    DuckDB would have to escape); each file is then renamed into its published place. One COPY per day
    rescanned the whole staged table each time (24 % of the ingest at 7 days, growing with the days).
    A load killed mid-write leaves only .staging/ (removed by the next load) or unlisted parts.
    """
    assert got.con is not None, "write_parts after close"
    targets = _part_targets(got, warehouse_dir, load_id)
    if not targets:
        return []
    if got.written is not None:  # the one pass wrote them: only moved into place
        parts = [_place(got, got.written[(plant, day)], rel, target, plant, day)
                 for (rel, target), (plant, day) in zip(targets, got.partitions, strict=True)]
        onepass.staged_view(got.con, [str(t) for _, t in targets])  # the files moved; the aggregates read them
        return parts
    scratch = warehouse_dir / "telemetry" / ".staging" / f"{load_id}-{got.sha256[:16]}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    got.con.execute(
        "CREATE OR REPLACE TEMP TABLE part_numbers AS SELECT unnest($plants) AS plant, unnest($days) AS date, "
        "unnest(range(len($plants))) AS part_no",
        {"plants": [p for p, _ in got.partitions], "days": [d for _, d in got.partitions]},
    )
    got.con.execute("SET preserve_insertion_order = false")  # the part's rows keep no order (readers sort)
    got.con.execute("SET partitioned_write_flush_threshold = 16384")  # see onepass._copy
    try:
        got.con.execute(
            f"""COPY (SELECT {PARQUET_COLUMNS[got.kind.name]}, '{got.sha256[:16]}' AS document_id, n.part_no
                      FROM staged JOIN part_numbers n USING (plant, date) WHERE reason IS NULL)
                TO '{checks.sql_str(scratch)}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (part_no))""")
    finally:
        got.con.execute("SET preserve_insertion_order = true")  # rowid = file order for the row checks
    parts = [_place(got, sorted(str(f) for f in (scratch / f"part_no={i}").glob("*.parquet")), rel, target, plant, day)
             for i, ((rel, target), (plant, day)) in enumerate(zip(targets, got.partitions, strict=True))]
    shutil.rmtree(scratch, ignore_errors=True)
    _remove_if_empty(scratch.parent)
    return parts


def _place(got: Validated, files: list[str], rel: str, target: Path, plant: str, day: date) -> Part:
    """Move one partition's file into its place (DuckDB splits a partition only past its open-file limit)."""
    assert got.con is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    if len(files) == 1:
        os.replace(files[0], target)
    else:  # several files for one day: merged into the one part the layout has
        partial = target.with_name(target.name + ".tmp")
        got.con.execute(f"COPY (SELECT * FROM read_parquet($files)) TO '{checks.sql_str(partial)}' "
                        "(FORMAT parquet, COMPRESSION zstd)", {"files": sorted(files)})
        os.replace(partial, target)
    return Part(rel, got.kind.name, plant, day, pq.read_metadata(target).num_rows)


def _remove_if_empty(folder: Path) -> None:
    try:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    except OSError:  # another load (the lake runs two at once) put a file there meanwhile
        pass


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
