"""Reading CSV and XLSX files into tables of strings, for the table source kinds.

A CSV is one table; an XLSX workbook is one table per visible, non-empty worksheet (hidden sheets
often hold stale copies). XLSX goes through python-calamine (Rust): it reads every row whatever the
<dimension> tag claims, reports merged ranges, and is ~5x faster than openpyxl (docs/benchmarks.md).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from etl.settings import Settings
from etl.sources._frame import Frame, frame_from_csv, frame_from_rows
from etl.sources.base import SourceError
from etl.sources.text import decode_text

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Table:
    name: str  # how messages name it: "f.csv", or "f.xlsx sheet '2024'" in a workbook of several
    rows: list[list[str]]


def is_xlsx(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".xlsx" or (head.startswith(XLSX_MAGIC) and path.suffix.lower() != ".docx")


def read_tables(path: Path, settings: Settings) -> list[Table]:
    """Every table of the file, rows as stripped strings (trailing empty cells dropped)."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if is_xlsx(path, magic):
        sheets = _xlsx_sheets(path, settings, limit=None)
        if len(sheets) == 1:
            return [Table(path.name, sheets[0][1])]
        return [Table(f"{path.name} sheet '{name}'", rows) for name, rows in sheets]
    text, _ = decode_text(path.read_bytes(), path.name)
    return [Table(path.name, csv_rows(text, path.name))]


def read_frames(path: Path, settings: Settings, con) -> list[Frame]:
    """Every table of the file as a frame on `con` (etl.sources._frame): the same tables, names and
    cells as read_tables, read by DuckDB's reader when the file is plain UTF-8 CSV."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if is_xlsx(path, head[:4]):
        sheets = _xlsx_sheets(path, settings, limit=None)
        names = [path.name] if len(sheets) == 1 else [f"{path.name} sheet '{name}'" for name, _ in sheets]
        return [frame_from_rows(con, name, rows) for name, (_, rows) in zip(names, sheets, strict=True)]
    if fast := _duckdb_frame(path, head, con):
        return [fast]
    text, _ = decode_text(path.read_bytes(), path.name)
    return [frame_from_rows(con, path.name, csv_rows(text, path.name))]


# sniff_delimiter reads the first 8,192 characters: at most 4 bytes each in UTF-8
_HEAD_BYTES = 4 * 8192


def _duckdb_frame(path: Path, head: bytes, con) -> Frame | None:
    """The file through DuckDB's reader when it is UTF-8 (else None: the Python reader decodes it)."""
    whole = len(head) >= path.stat().st_size
    try:
        text, encoding = decode_text(head, path.name, final=whole)
        rows = csv_rows(text, path.name, limit=50, complete=whole)
    except SourceError:
        return None
    if encoding not in ("utf-8", "utf-8-bom") or not rows:
        return None
    # a wider row further down makes DuckDB's reader fail, and the Python reader takes the file
    return frame_from_csv(con, path, sniff_delimiter(text[:8192]), max(len(r) for r in rows))


def head_rows(path: Path, head: bytes, limit: int = 15) -> list[list[str]] | None:
    """The first rows for detection, or None if the file is not text. A broken XLSX raises."""
    if is_xlsx(path, head):
        sheets = _xlsx_sheets(path, Settings(), limit=limit)
        return sheets[0][1] if sheets else []
    whole = len(head) >= path.stat().st_size
    try:
        text, _ = decode_text(head, path.name, final=whole)  # a head may end inside a character
        return csv_rows(text, path.name, limit, complete=whole)
    except SourceError:
        return None


def describe_text(path: Path) -> str:
    """What a text file that no kind recognised was seen as, for the rejection message; a file that
    cannot be decoded or parsed raises that reason instead (it names the line)."""
    text, encoding = decode_text(path.read_bytes(), path.name)
    rows = csv_rows(text, path.name, limit=1)
    first = ",".join(rows[0]) if rows else ""
    first = first if len(first) <= 60 else first[:60] + "…"
    delimiter = {"\t": "tab"}.get(d := sniff_delimiter(text[:8192]), f"'{d}'")
    return f"; it was read as {encoding}, delimiter {delimiter}, first row '{first}'"


def duplicate_columns(header: list[str]) -> str | None:
    """'columns 4 and 6 are both named value', or None when every non-empty name is unique."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name and name in seen:
            return f"columns {seen[name]} and {i} are both named '{name}'"
        seen.setdefault(name, i)
    return None


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the most lines into the same number (> 1) of fields."""
    lines = sample.splitlines()[:30]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1)
        if widths:
            width, count = widths.most_common(1)[0]
            if (count, width) > best_score:
                best, best_score = delimiter, (count, width)
    return best


def csv_rows(text: str, name: str, limit: int | None = None, complete: bool = True) -> list[list[str]]:
    """Rows of a CSV text; malformed quoting, a truncated quoted field or an over-long field reject
    the file naming the line. `complete=False` is a head: its last line may be cut anywhere."""
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text[:8192]), strict=True)
    rows = []
    try:
        for row in reader:
            rows.append(_trim([c.strip() for c in row]))
            if limit and len(rows) >= limit:
                break
    except csv.Error as exc:
        if not complete and "end of data" in str(exc):
            return rows  # the head was cut inside a quoted field, not the file
        raise SourceError(f"{name} line {reader.line_num}: {_csv_problem(exc)}", row=reader.line_num) from None
    return rows


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (f"a field is longer than {csv.field_size_limit():,} characters (an unclosed quote, or a "
                "document pasted into a cell); fix or remove it.")
    if "end of data" in text:
        return "the file ends inside a quoted field (cut off while copying or exporting?); export it again."
    return f"the quoting is malformed ({text}); fix the quotes on that line."


def _xlsx_sheets(path: Path, settings: Settings, limit: int | None) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows) of every visible, non-empty worksheet, merged cells filled; `limit` rows each.
    Detection asks once per table kind, then extract reads it all: the last workbook read is kept."""
    stat = path.stat()
    sheets = _read_workbook(str(path), stat.st_mtime_ns, stat.st_size, settings.xlsx_max_uncompressed_mb,
                            settings.xlsx_max_rows)
    return [(name, [list(r) for r in (rows[:limit] if limit else rows)]) for name, rows in sheets]


@lru_cache(maxsize=1)
def _read_workbook(name: str, mtime_ns: int, size: int, max_mb: int, max_rows: int) -> tuple:
    path = Path(name)
    return tuple(_read_sheets(path, max_mb, max_rows))


def _read_sheets(path: Path, max_mb: int, max_rows: int) -> list[tuple[str, list[list[str]]]]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    _check_expansion(path, max_mb)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            height = sheet.end[0] + 1 if sheet.end else 0  # rows from A1, read from the cells, not <dimension>
            if height > max_rows:
                raise SourceError(
                    f"{path.name} sheet '{meta.name}' has {height:,} rows, more than xlsx_max_rows="
                    f"{max_rows:,}; split it or raise the setting."
                )
            values = sheet.to_python(skip_empty_area=False)
            rows = [_trim([_cell(v) for v in row]) for row in values]
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            if any(rows):
                sheets.append((meta.name, rows))
        book.close()
    except SourceError:
        raise
    except (CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(
            f"{path.name} is truncated or not a valid XLSX workbook ({type(exc).__name__}); re-export it."
        ) from None
    return sheets


def _check_expansion(path: Path, max_mb: int) -> None:
    """Refuse a workbook whose parts unpack to more than the setting, before any part is unpacked."""
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(
            f"{path.name} is truncated or not a valid XLSX workbook ({type(exc).__name__}); re-export it."
        ) from None
    if unpacked > max_mb * 1_000_000:
        raise SourceError(
            f"{path.name} unpacks to {unpacked / 1e6:,.0f} MB, more than xlsx_max_uncompressed_mb={max_mb:,} "
            f"(a {path.stat().st_size / 1e3:,.0f} KB file); check where it came from, or raise the setting."
        )


def _fill_merged(rows: list[list[str]], ranges: list) -> None:
    """A merged range shows its top-left value in every cell, as the person saw it on screen."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
            _trim(row)


def _cell(value: object) -> str:
    if type(value) is str:  # most cells: skip the other checks
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row.pop()
    return row
