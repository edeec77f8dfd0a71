"""Tables of raw warehouse and journal rows (Sources page) headed and worded in the reader's
language: column names and the cell values that are words (status, kind, decision, yes/no) come
from the i18n table ("col.<column>", "val.<column>.<value>"); data (numbers, ids, file names,
messages) stays as it is. A column or value without an entry shows as written, so a new column is
visible at once (and the language walk, tests/dashboard/test_language_walk.py, names it)."""

from __future__ import annotations

import polars as pl

from dashboard.i18n import TEXT, t

WORD_COLUMNS = ("status", "kind", "decision", "action")


def column_label(name: str, lang: str) -> str:
    key = f"col.{name}"
    return t(key, lang) if key in TEXT else name


def value_label(column: str, value: object, lang: str) -> object:
    key = f"val.{column}.{value}"
    return t(key, lang) if key in TEXT else value


def _one_name(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """name_zh + name_en -> one `name` column in the reader's language (the other as a fallback)."""
    if not {"name_zh", "name_en"} <= set(frame.columns):
        return frame
    first, second = ("name_en", "name_zh") if lang == "en" else ("name_zh", "name_en")
    name = pl.coalesce(pl.col(first), pl.col(second)).alias("name")
    return frame.with_columns(name).drop("name_zh", "name_en").select(
        "name", *[c for c in frame.columns if c not in ("name_zh", "name_en")])


def labelled(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The frame as the page shows it: one name column, word values and headers translated."""
    frame = _one_name(frame, lang)
    words = [pl.col(c).map_elements(lambda v, c=c: value_label(c, v, lang), return_dtype=pl.Utf8, skip_nulls=True)
             for c in WORD_COLUMNS if c in frame.columns and frame.schema[c] == pl.Utf8]
    flags = [pl.col(c).map_elements(lambda v: t(f"val.bool.{str(v).lower()}", lang), return_dtype=pl.Utf8,
                                    skip_nulls=True)
             for c, dtype in frame.schema.items() if dtype == pl.Boolean]
    if words or flags:
        frame = frame.with_columns(*words, *flags)
    return frame.rename({c: column_label(c, lang) for c in frame.columns})
