"""A query result as CSV, JSON, Parquet bytes or a text table, and the notices that go with it."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from rich.table import Table

from dashboard.exports import neutralise_table
from dashboard.sql.sandbox import SqlResult, format_seconds, unique_names
from dashboard.sql.text_output import summary, truncation_notice


def _plain(table: pa.Table) -> pa.Table:
    """Nested, interval, dictionary and binary columns as text, so CSV can carry them."""
    columns = []
    for col in table.columns:
        kind = col.type
        if pa.types.is_dictionary(kind):
            columns.append(col.cast(kind.value_type))
        elif pa.types.is_interval(kind):
            columns.append(_interval_column(col))
        elif pa.types.is_nested(kind) or pa.types.is_binary(kind):
            columns.append(pa.array([_text(v) for v in col.to_pylist()], pa.string()))
        else:
            columns.append(col)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _interval(value: Any) -> str | None:
    if value is None:
        return None
    months, days, nanos = value
    parts = [f"{months} months" if months else "", f"{days} days" if days else "",
             str(dt.timedelta(microseconds=nanos / 1000)) if nanos else ""]
    return " ".join(p for p in parts if p) or "00:00:00"


def _interval_column(col: pa.ChunkedArray) -> pa.Array:
    return pa.array([_interval(v) for v in col.to_pylist()], pa.string())


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, uuid.UUID | dt.timedelta):
        return str(value)
    return str(value)


def to_csv(result: SqlResult) -> bytes:
    """CSV of the result; text cells that a spreadsheet would run as formulas get a leading apostrophe."""
    sink = io.BytesIO()
    pa_csv.write_csv(neutralise_table(_plain(result.table)), sink, pa_csv.WriteOptions(quoting_style="needed"))
    return sink.getvalue()


def to_parquet(result: SqlResult) -> bytes:
    sink = io.BytesIO()
    table = result.table.rename_columns(unique_names(result.columns))
    for i, col in enumerate(table.columns):  # Parquet has no month-day-nano interval
        if pa.types.is_interval(col.type):
            table = table.set_column(i, table.column_names[i], _interval_column(col))
    pq.write_table(table, sink)
    return sink.getvalue()


def to_json(result: SqlResult) -> str:
    """An array of row objects (duplicate column names made unique); dates ISO, decimals numbers."""
    names = unique_names(result.columns)
    table = result.table.rename_columns(names)
    for i, col in enumerate(table.columns):
        if pa.types.is_interval(col.type):
            table = table.set_column(i, names[i], _interval_column(col))
    rows = table.to_pylist()
    return json.dumps(rows, default=_json_default, ensure_ascii=False, indent=1)


def to_rich_table(result: SqlResult) -> Table:
    table = Table(*result.columns, show_lines=False)
    columns = [col.to_pylist() for col in result.table.columns]
    for row in zip(*columns, strict=True):
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    return table


__all__ = ["format_seconds", "summary", "to_csv", "to_json", "to_parquet", "to_rich_table",
           "truncation_notice"]
