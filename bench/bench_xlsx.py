"""XLSX readers on a 100,000-row workbook and on a shared-strings bomb, each in its own process
(time and peak memory): openpyxl (the old reader), python-calamine (the one used), fastexcel (if
installed; not a dependency), and what `pulse load` does with the bomb (refuses it unread)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = {
    "openpyxl (read_only, iter_rows)": "import openpyxl\nwb = openpyxl.load_workbook(P, read_only=True, data_only=True)\n"
    "n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))",
    "python-calamine (to_python)": "from python_calamine import CalamineWorkbook\nb = CalamineWorkbook.from_path(P)\n"
    "n = sum(len(b.get_sheet_by_name(s).to_python()) for s in b.sheet_names)",
    "fastexcel (load_sheet)": "import fastexcel\nr = fastexcel.read_excel(P)\nn = sum(r.load_sheet(s).height for s in r.sheet_names)",
    "`pulse` table reader (calamine + checks)": "from pathlib import Path\nfrom etl.settings import Settings\n"
    "from etl.sources._tabular import read_tables\nfrom etl.sources.base import SourceError\n"
    "try:\n    n = sum(len(t.rows) for t in read_tables(Path(P), Settings()))\nexcept SourceError as e:\n    n = str(e)[:60]",
}


# the child's own peak: VmHWM of its address space (ru_maxrss would carry the parent's peak over the fork)
PEAK = ("print(n)\nprint(next(line.split()[1] for line in open('/proc/self/status') "
        "if line.startswith('VmHWM')))")


def _run_with_rss(code: str, path: Path) -> tuple[float, float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", f"P = {str(path)!r}\n{code}\n{PEAK}"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode:
        return seconds, float("nan"), (err.strip().splitlines() or ["?"])[-1][:70]
    result, peak = out.strip().rsplit("\n", 1)
    return seconds, float(peak) / 1024, result[:70]


def make_big(path: Path, rows: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, ["series_id", "period_start", "period_end", "value", "unit", "source_quote"])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, ["nf10_output", f"{1000 + r % 900}-01-01", f"{1000 + r % 900}-12-31", 7000 + r % 97,
                               "万吨", f"十种有色金属产量{r}万吨"])
    book.close()


def main() -> str:
    sys.path.insert(0, str(ROOT))
    from tests.cases.tables.make_xlsx import shared_strings_bomb

    bomb_mb = int(os.environ.get("PULSE_BENCH_BOMB_MB", "600"))
    with tempfile.TemporaryDirectory(prefix="pulse-bench-xlsx-") as tmp:
        big, bomb = Path(tmp) / "rows_100k.xlsx", Path(tmp) / "bomb.xlsx"
        make_big(big, 100_000)
        shared_strings_bomb(bomb, megabytes=bomb_mb)
        lines = []
        for label, path in ((f"100,000 rows ({big.stat().st_size / 1e6:.1f} MB)", big),
                            (f"bomb ({bomb.stat().st_size / 1e3:.0f} KB unpacking to {bomb_mb} MB)", bomb)):
            base = None
            for reader, code in READERS.items():
                seconds, peak, result = _run_with_rss(code, path)
                base = base or seconds
                lines.append(f"| {label} | {reader} | {seconds:.2f} | {seconds / base:.2f} | {peak:,.0f} | {result} |")
    return (
        "## XLSX readers (`bench/bench_xlsx.py`)\n\nEach reader in a fresh process (so the time includes "
        "its import); ratio to openpyxl in the same run.\n\n"
        "| workbook | reader | seconds | ratio to openpyxl | peak MB | rows read / outcome |\n"
        "| --- | --- | --- | --- | --- | --- |\n" + "\n".join(lines) + "\n"
    )


if __name__ == "__main__":
    print(main())
