"""Reading CSV and XLSX files into rows of strings, for the table source kinds."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

from etl.sources.base import SourceError
from etl.sources.text import decode_text

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
XLSX_MAGIC = b"PK\x03\x04"


def is_xlsx(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".xlsx" or (head.startswith(XLSX_MAGIC) and path.suffix.lower() != ".docx")


def read_rows(path: Path, limit: int | None = None) -> list[list[str]]:
    """Every row as stripped strings (trailing empty cells dropped); `limit` rows at most."""
    if is_xlsx(path, path.open("rb").read(4)):
        return _xlsx_rows(path, limit)
    text, _ = decode_text(path.read_bytes(), path.name)
    return _csv_rows(text, limit)


def head_rows(path: Path, head: bytes, limit: int = 15) -> list[list[str]] | None:
    """The first rows for detection, or None if the file is not text. A broken XLSX raises."""
    if is_xlsx(path, head):
        return _xlsx_rows(path, limit)
    try:
        text, _ = decode_text(head, path.name)
    except (SourceError, UnicodeDecodeError):
        # an 8 KB head may cut a multi-byte character: retry without the last few bytes
        try:
            text, _ = decode_text(head[:-4], path.name)
        except SourceError:
            return None
    return _csv_rows(text, limit)


def _csv_rows(text: str, limit: int | None) -> list[list[str]]:
    sample = text[:4096]
    delimiter = max((",", "\t", ";"), key=lambda d: sample.count(d))
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(_trim([c.strip() for c in row]))
        if limit and len(rows) >= limit:
            break
    return rows


def _xlsx_rows(path: Path, limit: int | None) -> list[list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(
            f"{path.name} is truncated or not a valid XLSX workbook ({type(exc).__name__}); re-export it."
        ) from None
    try:
        sheet = wb.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(_trim([_cell(v) for v in values]))
            if limit and len(rows) >= limit:
                break
        return rows
    finally:
        wb.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row.pop()
    return row
