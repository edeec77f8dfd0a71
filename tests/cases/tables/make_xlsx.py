"""Writes the quirky XLSX case files beside this script: `uv run python tests/cases/tables/make_xlsx.py`.

Each file is small and named after its quirk; `shared_strings_bomb` is only a function (the test
fixture builds it in tmp_path) because a real one is megabytes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
HEADER = ["series_id", "period_start", "period_end", "value", "unit"]


def _rows(years: range, value: int) -> list[list[str]]:
    return [["nf10_output", f"{y}-01-01", f"{y}-12-31", str(value + y % 100), "万吨"] for y in years]


def _write(path: Path, sheets: list[tuple[str, list[list[str]], bool]], merge: str | None = None) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows, hidden in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        if hidden:
            sheet.hide()
    if merge:  # merge the series_id cells of the data rows, as a person does "for readability"
        first = book.worksheets()[0]
        first.merge_range(merge, "nf10_output")
    book.close()
    return path


def two_visible_sheets(folder: Path) -> Path:
    return _write(folder / "two_visible_sheets.xlsx", [
        ("2023", [HEADER, *_rows(range(2020, 2022), 7000)], False),
        ("2024", [HEADER, *_rows(range(2022, 2024), 7000)], False),
    ])


def hidden_stale_first_sheet(folder: Path) -> Path:
    book = xlsxwriter.Workbook(str(folder / "hidden_stale_first_sheet.xlsx"))
    stale = book.add_worksheet("old")
    current = book.add_worksheet("current")
    for r, row in enumerate([HEADER, *_rows(range(2020, 2022), 1)]):
        stale.write_row(r, 0, row)
    for r, row in enumerate([HEADER, *_rows(range(2020, 2022), 7000)]):
        current.write_row(r, 0, row)
    current.activate()
    stale.hide()
    book.close()
    return folder / "hidden_stale_first_sheet.xlsx"


def merged_cells(folder: Path) -> Path:
    rows = [HEADER, *[["", *r[1:]] for r in _rows(range(2020, 2023), 7000)]]
    return _write(folder / "merged_cells.xlsx", [("data", rows, False)], merge="A2:A4")


def wrong_dimension(folder: Path) -> Path:
    """Ten data rows, but the sheet's <dimension> tag claims A1:E3 (as some exporters write it)."""
    path = _write(folder / "wrong_dimension.xlsx", [("data", [HEADER, *_rows(range(2014, 2024), 7000)], False)])
    return _rewrite_part(path, "xl/worksheets/sheet1.xml",
                         lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:E3"/>', xml))


def shared_strings_bomb(path: Path, megabytes: int) -> Path:
    """A few-KB workbook whose shared strings unpack to `megabytes` MB (the 'small file, gigabytes
    in memory' attack): one long repeated string, which zip compresses about 1000:1."""
    path = _write(path, [("data", [HEADER, ["nf10_output", "2024-01-01", "2024-12-31", "1", "BOMB"]], False)])
    chunk = "A" * (1 << 20)

    def inflate(xml: bytes) -> bytes:
        return xml.replace(b">BOMB<", (">" + chunk * megabytes + "<").encode())

    return _rewrite_part(path, "xl/sharedStrings.xml", inflate)


def _rewrite_part(path: Path, part: str, change) -> Path:
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info.filename, change(data) if info.filename == part else data)
    return path


if __name__ == "__main__":
    for make in (two_visible_sheets, hidden_stale_first_sheet, merged_cells, wrong_dimension):
        print(make(HERE))
