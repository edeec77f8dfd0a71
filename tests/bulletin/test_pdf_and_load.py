"""A real PDF printed by headless Chromium, and bulletins loaded through the pipeline."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from etl.bulletin import extract_document, to_dict
from etl.bulletin.documents import read_document

CHROMIUM = Path("/usr/bin/chromium")
SEED = Path(__file__).resolve().parents[2] / "data" / "inbox" / "bulletins" / "000_0bd2a604021fabf6.txt"
HTML = """<!doctype html><html><head><meta charset="utf-8">
<style>body{font-family:"Noto Sans CJK SC","Noto Serif CJK SC",sans-serif;font-size:14px}</style></head>
<body><h1>有色金属工业运行情况</h1>
<p>前三季度，十种常用有色金属产量为6124.9万吨，同比增长3%。</p>
<p>9月末，人民币贷款余额270.39万亿元，同比增长6.6%。</p></body></html>"""


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (Debian's chromium package)")
def test_pdf_printed_by_chromium_gives_its_statistics(tmp_path: Path) -> None:
    page = tmp_path / "bulletin.html"
    page.write_text(HTML, encoding="utf-8")
    pdf = tmp_path / "bulletin.pdf"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
         page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    text = read_document(pdf)
    assert "十种常用有色金属产量" in text  # radicals ("⼗", "⻓") mapped back to ideographs
    doc = extract_document(pdf.name, text, date(2025, 10, 20), None)
    got = [(d["value"], d["unit"], d["period_end"], d["change_pct"]) for d in (to_dict(doc, r, None) for r in doc.records)]
    assert got == [("6124.9", "万吨", "2025-09-30", 3.0), ("270.39", "万亿元", "2025-09-30", 6.6)]


def test_pulse_load_stores_bulletin_statistics_with_quotes(tmp_path: Path) -> None:
    import duckdb

    from etl.pipeline import run_load
    from etl.settings import load_settings

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / SEED.name)
    (inbox / "binary.txt").write_bytes(b"\x00\x01" * 200)
    settings = load_settings(db=tmp_path / "wh" / "pulse.duckdb", inbox=inbox, quarantine=tmp_path / "q")
    result = run_load(settings)
    status = {f.path.name: f.status for f in result.files}
    assert status == {SEED.name: "loaded", "binary.txt": "rejected"}
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        total, mapped, quoted = con.execute(
            "SELECT count(*), count(series_id), count(*) FILTER (WHERE quote <> '') FROM observations"
        ).fetchone()
        kind = con.execute("SELECT kind FROM documents").fetchone()[0]
    finally:
        con.close()
    assert kind == "bulletin"
    assert total == quoted and total >= 120
    assert 0 < mapped < total  # unmapped statistics are kept with series_id null
