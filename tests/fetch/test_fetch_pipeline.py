"""`pulse fetch` then `pulse load` against a real HTTP server on loopback, as a user runs them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.conftest import run_pulse
from tests.fetch.conftest import NBS_SOURCES, write_sources


def _env(tmp_path: Path, sources: Path) -> dict[str, str]:
    return {"PULSE_DB": str(tmp_path / "wh" / "pulse.duckdb"), "PULSE_INBOX": str(tmp_path / "inbox"),
            "PULSE_QUARANTINE": str(tmp_path / "q"), "PULSE_SOURCES": str(sources)}


def test_fetch_then_load_brings_statistics_and_a_second_fetch_downloads_nothing(site, tmp_path):
    env = _env(tmp_path, write_sources(tmp_path / "sources.toml", site, NBS_SOURCES))
    first = run_pulse("fetch", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["nbs: 4 new file(s), 0 unchanged", "nbs_query: 1 new file(s), 0 unchanged"]
    saved = sorted(p.relative_to(tmp_path / "inbox").as_posix() for p in (tmp_path / "inbox").rglob("*"))
    assert [p for p in saved if not p.startswith("nbs_query/")] == [
        "nbs", "nbs/P020251020_report.pdf", "nbs/long.xlsx", "nbs/t20251020_1960001.html",
        "nbs/t20251114_1961234.html", "nbs_query"]
    assert len([p for p in saved if p.startswith("nbs_query/nbs_query")]) == 0
    # the JSON answer became a long table named after the query path
    [csv] = (tmp_path / "inbox" / "nbs_query").glob("*.csv")
    assert csv.read_text(encoding="utf-8").splitlines()[1:] == [
        f"nf10_output,2025-09-01,2025-09-30,680.5,万吨,{site.url('/api/easyquery.htm?m=QueryData&dbcode=hgyd')},A020901 202509 = 680.5",
        f"nf10_output,2025-08-01,2025-08-31,674.2,万吨,{site.url('/api/easyquery.htm?m=QueryData&dbcode=hgyd')},A020901 202508 = 674.2",
        f"nf10_output_ytd,2025-01-01,2025-09-30,5904.1,万吨,{site.url('/api/easyquery.htm?m=QueryData&dbcode=hgyd')},A020902 202509 = 5904.1",
    ]
    assert {r.headers["user-agent"].split("/")[0] for r in site.requests} == {"Pulse"}

    load = run_pulse("load", env=env)
    assert load.returncode == 0, load.stdout + load.stderr
    con = duckdb.connect(env["PULSE_DB"], read_only=True)
    got = con.execute("SELECT series_id, period_end::VARCHAR, value FROM v_observations "
                      "WHERE series_id IN ('nf10_output', 'nf10_output_ytd') ORDER BY 1, 2").fetchall()
    docs = con.execute("SELECT file_name, title, published::VARCHAR FROM documents ORDER BY file_name").fetchall()
    con.close()
    assert ("nf10_output", "2025-09-30", 6_805_000.0) in got and ("nf10_output", "2025-08-31", 6_742_000.0) in got
    assert ("nf10_output_ytd", "2025-09-30", 59_041_000.0) in got
    assert ("nf10_output", "2025-10-31", 6_952_000.0) in got  # from the GBK release page's prose
    # provenance: the release page's date and title as the index listed them travel into documents
    # (files whose own text names a title or date keep theirs; the fetch fills only what is missing)
    assert ("long.xlsx", "历史数据表（XLSX）", "2025-10-01") in docs
    # the scanned PDF has no text: skipped with a notice, not recorded, tried again on the next load
    assert "P020251020_report.pdf" not in {d[0] for d in docs}
    assert "P020251020_report.pdf: no text found (a scanned PDF?)" in load.stdout + load.stderr

    before = len(site.requests)
    files_before = sorted((tmp_path / "inbox").rglob("*"))
    second = run_pulse("fetch", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == ["nbs: 0 new file(s), 0 unchanged", "nbs_query: 0 new file(s), 1 unchanged"]
    asked = site.requests[before:]
    # only the index and the query were asked for, each conditionally, and both answered 304
    assert [(r.path, r.headers.get("if-none-match")) for r in asked] == [
        ("/nbs/index.html", '"index-v1"'), ("/api/easyquery.htm?m=QueryData&dbcode=hgyd", 'W/"q1"')]
    assert sorted((tmp_path / "inbox").rglob("*")) == files_before
    assert run_pulse("load", env=env).stderr.strip().splitlines() == [
        "skipped for now P020251020_report.pdf: no text found (a scanned PDF?); run OCR on it and put it back "
        "in the inbox.",
        "Nothing new: 4 file(s) already loaded, 1 not ready yet (see above); the warehouse is unchanged."]
