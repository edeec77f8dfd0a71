"""Wide NBS-style exports: an indicator column with the unit in parentheses, one column per period.

    数据库：月度数据            <- optional header lines
    地区：全国
    指标,2025年9月,2025年8月,…
    十种有色金属产量当期值(万吨),612.3,…
    十种有色金属产量累计值(万吨),6124.9,…
    十种有色金属产量同比增长(%),3.1,…   <- attached to the level row as change_pct
    注：…                       <- footnotes end the table

累计 rows cover Jan 1 to the column's month end; 当期 rows the column's period. Empty cells are gaps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.periods import PeriodError, check_not_future, parse_period
from etl.records import OBSERVATION_TABLE_COLUMNS, ObservationTable
from etl.sources._frame import EMPTY_OBSERVATIONS, Frame, named_sql, number_sql, scratch_connection, temp_name
from etl.sources._report import BadRows
from etl.sources._tabular import TABLE_SUFFIXES, head_rows, read_frames
from etl.sources.base import Extracted, SourceContext, SourceError

KIND = "wide_table"
PRIORITY = 20
_FOOTNOTE = re.compile(r"^(注|数据来源|来源|说明|备注)\s*[:：]")
_INDICATOR = re.compile(r"^(?P<name>.+?)\s*[(（](?P<unit>[^()（）]*)[)）]\s*$")
_GROWTH = re.compile(r"(同比|累计)?(增长|增速|增减)$")
# a header cell with a year in it heads a period column; one that does not read is refused, not skipped
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
# Empty-cell marks ("", "-", "—", "--", "…", "...", "null", "NA") are gaps: listed in sql/wide_table.sql.


@dataclass(frozen=True)
class _Column:
    index: int
    label: str
    start: date
    end: date


def detect(path: Path, head: bytes) -> bool:
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return False
    rows = head_rows(path, head)
    return bool(rows) and _header_index(rows) is not None


def _period_cells(row: list[str]) -> int:
    n = 0
    for cell in row[1:]:
        try:
            parse_period(cell)
            n += 1
        except PeriodError:
            pass
    return n


def _header_index(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows):
        if len(row) >= 2 and _period_cells(row) >= max(1, (len(row) - 1) // 2):
            return i
    return None


def extract(path: Path, ctx: SourceContext) -> Extracted:
    """Every table of the file (each visible sheet of a workbook) must be a wide table. Python decides
    once per row (its indicator and unit) and once per column (its period); the cells are checked in
    SQL (etl/sources/sql/wide_table.sql)."""
    con = scratch_connection(ctx.con)
    out = ObservationTable(con, temp_name("wide_obs"))
    con.execute(f"CREATE TABLE {out.name} AS {EMPTY_OBSERVATIONS}")
    title = path.stem
    try:
        for i, frame in enumerate(read_frames(path, ctx.settings, con)):
            try:
                table_title = _table_observations(frame, ctx, out, sheet=i)
            finally:
                frame.drop()
            title = table_title if i == 0 else title
    except BaseException:
        out.close()
        raise
    return Extracted(title=title, table=out, strict_series=True)


_HEAD = 200  # rows searched for the header first (all of them only when it is not there)


def _table_observations(frame: Frame, ctx: SourceContext, out: ObservationTable, sheet: int) -> str:
    name, con = frame.name, frame.con
    rows = frame.rows(limit=_HEAD)
    h = _header_index(rows)
    if h is None and frame.count() > _HEAD:
        rows = frame.rows()
        h = _header_index(rows)
    if h is None:
        raise SourceError(f"{name}: no header row of periods (e.g. 指标,2025年9月,2025年8月); check the export.")
    columns = _columns(rows[h], name)
    title = next((r[0] for r in rows[:h] if r and r[0]), Path(name).stem)
    bad = BadRows(name, ctx.settings.max_reported_rows)
    _check_future(columns, ctx.settings.max_future_days, bad)
    temp = {k: temp_name(f"wide_{k}") for k in ("row_info", "col_info", "cells", "growth")}
    sql = named_sql("wide_table.sql")
    try:
        stop = _row_info(frame, h + 1, temp["row_info"])
        _col_info(con, columns, temp["col_info"])
        cell_list = ", ".join(sorted({f"c{col.index}" for col in columns}, key=lambda c: int(c[1:]))) or "c0"
        names = {**temp, "frame": frame.source, "header_rn": h + 1, "stop_rn": stop, "cell_list": cell_list,
                 "beyond": frame.beyond(len(rows[h])), "last_pos": len(columns)}
        names["numbers"] = number_sql(sql["cell_rows"].format(**names), "cell", "v")
        con.execute(sql["cells"].format(**names))
        bad.add_query(con, sql["problems"].format(**names))
        bad.raise_if_any()
        con.execute(sql["growth"].format(**names))
        bad.add_query(con, sql["growth_problems"].format(**names))
        bad.raise_if_any()
        con.execute(f"INSERT INTO {out.name} SELECT {', '.join(OBSERVATION_TABLE_COLUMNS[:-1])}, "
                    f"row_number() OVER (ORDER BY part, r, p) + {sheet << 40} AS ord "
                    f"FROM ({sql['observations'].format(**names)})")
    finally:
        for table in temp.values():
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return title


def _row_info(frame: Frame, header_rn: int, table: str) -> int:
    """One decision per data row: its indicator, unit and kind, or why it has none. Returns the
    record number the table stops before (its first footnote, or past the last row)."""
    import pyarrow as pa

    info: dict[str, list] = {k: [] for k in ("rn", "first_cell", "indicator", "unit", "is_growth", "cumulative",
                                             "level_key", "problem")}
    stop = None
    for rn, first in frame.con.execute(f"SELECT rn, c0 FROM {frame.source} WHERE rn > ? ORDER BY rn",
                                       [header_rn]).fetchall():
        if not first:
            continue
        if _FOOTNOTE.match(first):
            stop = rn
            break
        try:
            indicator, unit = _split_indicator(first, f"{frame.name} row {rn}", rn)
            problem = None
        except SourceError as exc:
            indicator, unit, problem = "", "", str(exc).removeprefix(f"{frame.name} row {rn}: ")
        for key, value in (("rn", rn), ("first_cell", first), ("indicator", indicator), ("unit", unit),
                           ("is_growth", unit in ("%", "％") and bool(_GROWTH.search(indicator))),
                           ("cumulative", "累计" in indicator), ("level_key", _base_name(indicator)),
                           ("problem", problem)):
            info[key].append(value)
    types = {"rn": pa.int64(), "is_growth": pa.bool_(), "cumulative": pa.bool_()}
    arrow = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in info.items()})
    frame.con.register("_pulse_row_info", arrow)
    try:
        frame.con.execute(f"CREATE TABLE {table} AS SELECT * FROM _pulse_row_info")
    finally:
        frame.con.unregister("_pulse_row_info")
    return stop if stop is not None else 2**62


def _col_info(con, columns: list[_Column], table: str) -> None:
    import pyarrow as pa

    arrow = pa.table({
        "col": pa.array([f"c{c.index}" for c in columns], pa.string()), "pos": pa.array(range(len(columns)), pa.int64()),
        "label": pa.array([c.label for c in columns], pa.string()),
        "start_day": pa.array([c.start for c in columns], pa.date32()),
        "end_day": pa.array([c.end for c in columns], pa.date32()),
    })
    con.register("_pulse_col_info", arrow)
    try:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM _pulse_col_info")
    finally:
        con.unregister("_pulse_col_info")


def _check_future(columns: list[_Column], max_future_days: int, bad: BadRows) -> None:
    for col in columns:
        try:
            check_not_future(col.end, max_future_days)
        except PeriodError as exc:
            bad.add(None, f"column {col.index + 1} '{col.label}': {exc}; fix the header")


def _columns(header: list[str], name: str) -> list[_Column]:
    columns: list[_Column] = []
    for i, cell in enumerate(header[1:], start=1):
        try:
            start, end = parse_period(cell)
        except PeriodError as exc:
            if _YEAR.search(cell):
                raise SourceError(f"{name}: column {i + 1}: {exc}; fix the header cell (a cell with a year heads a "
                                  "period), or its column's values are not loaded.") from None
            continue
        twin = next((c for c in columns if (c.start, c.end) == (start, end)), None)
        if twin is not None:
            raise SourceError(f"{name}: columns {twin.index + 1} '{twin.label}' and {i + 1} '{cell}' are the same "
                              "period; keep one of them, so no value is silently dropped.")
        columns.append(_Column(i, cell, start, end))
    return columns


def _split_indicator(cell: str, where: str, row: int) -> tuple[str, str]:
    m = _INDICATOR.match(cell)
    if not m:
        raise SourceError(f"{where}: indicator '{cell}' has no unit in parentheses, e.g. 十种有色金属产量(万吨).",
                          row=row)
    return m.group("name").strip(), m.group("unit").strip()


def _base_name(name: str) -> str:
    """十种有色金属产量累计值 / 十种有色金属产量累计增长 -> 十种有色金属产量."""
    name = _GROWTH.sub("", name)
    return re.sub(r"(当期值|累计值|当期|累计|本月|本期)$", "", name)
