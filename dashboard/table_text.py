"""Tables of raw warehouse and journal rows (Sources page) headed and worded in the reader's
language: column names and the cell values that are words (status, kind, decision, yes/no) come
from the i18n table ("col.<column>", "val.<column>.<value>"); data (numbers, ids, file names,
messages) stays as it is. A column or value without an entry shows as written, so a new column is
visible at once (and the language walk, tests/dashboard/test_language_walk.py, names it)."""

from __future__ import annotations

import re

import polars as pl

from dashboard.i18n import TEXT, t

WORD_COLUMNS = ("status", "kind", "decision", "action")
REASON_COLUMNS = ("reason", "hold_reason")
# Why a vintage is held: etl/holds.py writes these sentences (in English, etl never imports the
# dashboard); the page words them from the i18n table ("hold.<kind>"), numbers and names kept.
NUMBER = r"[-+]?[\d.,]+(?:e[-+]?\d+)?"
HOLD_REASONS = {
    "conflict": re.compile(rf"conflicts with the current value (?P<old>{NUMBER}\S*) \((?P<where>[^)]*)\): "
                           rf"(?P<diff>.+?) \(tolerance (?P<tol>[^)]+)\)"),
    "implied": re.compile(rf"published YoY (?P<change>{NUMBER}) % implies (?P<year>\d{{4}}) = (?P<implied>{NUMBER}\S*), "
                          rf"stored (?P<stored>{NUMBER}\S*): (?P<diff>.+?) \(tolerance (?P<tol>[^)]+)\)"),
    "history": re.compile(rf"(?P<value>{NUMBER}\S*) lies outside (?P<factor>{NUMBER})× the series' history "
                          rf"\((?P<lo>{NUMBER}\S*) \.\. (?P<hi>{NUMBER}\S*)\)"),
}


def column_label(name: str, lang: str) -> str:
    key = f"col.{name}"
    return t(key, lang) if key in TEXT else name


def value_label(column: str, value: object, lang: str) -> object:
    key = f"val.{column}.{value}"
    return t(key, lang) if key in TEXT else value


def hold_reason_text(reason: str | None, lang: str) -> str | None:
    """A hold reason in the reader's language; one that matches no known sentence stays as written."""
    if not reason or lang == "en":
        return reason
    for kind, pattern in HOLD_REASONS.items():
        if hit := pattern.fullmatch(reason.strip()):
            return t(f"hold.{kind}", lang, **hit.groupdict())
    return reason


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
    reasons = [pl.col(c).map_elements(lambda v: hold_reason_text(v, lang), return_dtype=pl.Utf8, skip_nulls=True)
               for c in REASON_COLUMNS if c in frame.columns and frame.schema[c] == pl.Utf8]
    if words or flags or reasons:
        frame = frame.with_columns(*words, *flags, *reasons)
    return _blanks_and_times(frame).rename({c: column_label(c, lang) for c in frame.columns})


def _blanks_and_times(frame: pl.DataFrame) -> pl.DataFrame:
    """Text, dates and times as a person reads them: an empty cell is "—" (the grid would print
    None, in English), a time to the second without its microseconds and zone."""
    out = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime):
            out.append(pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S").fill_null("—"))
        elif dtype == pl.Date:
            out.append(pl.col(name).dt.strftime("%Y-%m-%d").fill_null("—"))
        elif dtype in (pl.Utf8, pl.Null):
            out.append(pl.col(name).cast(pl.Utf8).fill_null("—"))
    return frame.with_columns(out) if out else frame
