"""CSV for spreadsheets: a text cell starting with = + - @ (or tab / carriage return) is a formula
to Excel and LibreOffice, so exports prefix it with an apostrophe (OWASP's CSV-injection advice).
Only the exported bytes change; the warehouse keeps the data as loaded. Numbers are left alone.
"""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.safe_text import FORMULA_START  # noqa: F401 - one pattern for every export (pulse sql too)


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def neutralise_table(table: pa.Table) -> pa.Table:
    for i, col in enumerate(table.columns):
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.match_substring_regex(col, FORMULA_START)
            fixed = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
            table = table.set_column(i, table.column_names[i], fixed)
    return table


def frame_csv(frame: pl.DataFrame) -> bytes:
    """A polars frame as CSV bytes for a spreadsheet (UTF-8 with BOM, so Excel reads Chinese)."""
    return neutralise_frame(frame).write_csv().encode("utf-8-sig")
