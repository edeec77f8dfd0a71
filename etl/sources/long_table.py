"""Long tables: one observation per row, with a catalog series id (the reference history's format).

Required columns: series_id, period_start, period_end, value, unit. Optional: change_pct,
change_kind, frequency, indicator_zh, subject, source_url, source_quote. CSV (UTF-8, BOM, GBK,
UTF-16) or XLSX. Every bad row is named (up to settings.max_reported_rows), not only the first.
The rows are checked in SQL over the whole table (etl/sources/sql/long_table.sql); Python decides
once per distinct period text, never once per row (issue 17).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.periods import future_problem, latest_allowed_end
from etl.records import OBSERVATION_TABLE_COLUMNS, ObservationTable
from etl.sources._frame import Frame, named_sql, number_sql, scratch_connection, temp_name
from etl.sources._report import BadRows
from etl.sources._tabular import TABLE_SUFFIXES, duplicate_columns, head_rows, read_frames
from etl.sources.base import Extracted, SourceContext, SourceError

KIND = "long_table"
PRIORITY = 10
REQUIRED = ("series_id", "period_start", "period_end", "value", "unit")
OPTIONAL = ("change_pct", "change_kind", "indicator_zh", "subject", "source_url", "source_quote")


def detect(path: Path, head: bytes) -> bool:
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return False
    rows = head_rows(path, head, limit=1)
    if not rows:
        return False
    header = {c.strip().lower() for c in rows[0]}
    return "series_id" in header and len(header & set(REQUIRED)) >= 3


def extract(path: Path, ctx: SourceContext) -> Extracted:
    """Every table of the file (each visible sheet of a workbook) must be a long table. The hand-off
    is a view over each table's checked rows (materialised once)."""
    con = scratch_connection(ctx.con)
    out = ObservationTable(con, temp_name("long_obs"), is_view=True)
    try:
        parts = []
        for sheet, frame in enumerate(read_frames(path, ctx.settings, con)):
            try:
                parts.append(_table_observations(frame, ctx, sheet, out))
            finally:
                frame.drop()
        con.execute(f"CREATE VIEW {out.name} AS " + " UNION ALL ".join(parts))
    except BaseException:
        out.close()
        raise
    return Extracted(title=path.stem, table=out, strict_series=True)


def _columns(frame: Frame) -> tuple[dict[str, str], int]:
    """Each known column's cell, '' for an optional column the table lacks, and how many columns
    the header names; the header checked."""
    name, header_rows = frame.name, frame.rows(limit=1)
    if frame.count() == 0:
        raise SourceError(f"{name} is empty; put a header and rows in it.")
    header = [c.strip().lower() for c in header_rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(
            f"{name}: missing column(s) {', '.join(missing)}; a long table needs {', '.join(REQUIRED)}."
        )
    if twice := duplicate_columns(header):
        raise SourceError(f"{name}: {twice}; keep one of them, so no value is silently dropped.")
    col = {column: f"c{i}" for i, column in enumerate(header)}
    return {c: col.get(c, "''") for c in (*REQUIRED, *OPTIONAL)}, len(header)


def _table_observations(frame: Frame, ctx: SourceContext, sheet: int, out: ObservationTable) -> str:
    """The table checked; returns the SELECT of its observations (OBSERVATION_TABLE_COLUMNS)."""
    con, name = frame.con, frame.name
    cols, width = _columns(frame)
    bad = BadRows(name, ctx.settings.max_reported_rows)
    rows, dates, duplicates = temp_name("long_rows"), temp_name("long_dates"), temp_name("long_dups")
    checked = temp_name("long_checked")
    out.tables.append(checked)
    sql = named_sql("long_table.sql")
    try:
        any_cell = " OR ".join(f"{c} <> ''" for c in frame.cells())
        picked = ", ".join([f"{expr} AS {c}" for c, expr in cols.items()]
                           + [f"{frame.beyond(width)} AS beyond_header"])
        con.execute(f"CREATE VIEW {rows} AS SELECT rn, {picked} FROM {frame.source} "
                    f"WHERE rn >= 2 AND ({any_cell})")  # a row of empty cells is no row
        _period_table(con, rows, dates, ctx.settings.max_future_days)
        numbers = number_sql(number_sql(f"SELECT * FROM {rows}", "value", "v"), "change_pct", "c")
        con.execute(sql["check"].format(dates=dates, checked=checked, numbers=numbers, width=width))
        bad.add_query(con, f"SELECT rn, problem FROM {checked} WHERE problem IS NOT NULL ORDER BY rn")
        con.execute(sql["duplicates"].format(checked=checked, duplicates=duplicates))
        bad.add_query(con, f"SELECT rn, problem FROM {duplicates} ORDER BY rn")
        bad.raise_if_any()
        if con.execute(f"SELECT count(*) FROM {checked}").fetchone()[0] == 0:
            raise SourceError(f"{name} has a header but no data rows; add rows or remove the file.")
    finally:
        con.execute(f"DROP VIEW IF EXISTS {rows}")
        for table in (dates, duplicates):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return f"SELECT {', '.join(OBSERVATION_TABLE_COLUMNS)} FROM ({sql['observations'].format(checked=checked, offset=sheet << 40)})"


def _period_table(con, rows: str, dates: str, max_future_days: int) -> None:
    """One Python decision per distinct period text: its date (None if it is not a real one), its
    ISO label, and why it is too far ahead when it is."""
    import pyarrow as pa

    texts = [t for (t,) in con.execute(f"SELECT period_start FROM {rows} UNION SELECT period_end FROM {rows}")
             .fetchall()]
    latest = latest_allowed_end(max_future_days)  # computed once per table
    days = [_real_date(t) for t in texts]
    table = pa.table({
        "text": pa.array(texts, pa.string()), "day": pa.array(days, pa.date32()),
        "label": pa.array([str(d) if d else None for d in days], pa.string()),
        "future": pa.array([future_problem(d, max_future_days) if d and d > latest else None for d in days],
                           pa.string()),
    })
    con.register("_pulse_periods", table)
    try:
        con.execute(f"CREATE TABLE {dates} AS SELECT * FROM _pulse_periods")
    finally:
        con.unregister("_pulse_periods")


def _real_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
