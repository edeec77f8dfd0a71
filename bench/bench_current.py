"""How to keep the current vintage (issue 17): the table `obs_current` against two lighter forms,
measured on one warehouse of 1,000,000 loaded rows, in one run.

- table: etl/views/005_obs_current.sql as it is, a ranked copy of every current row (32 columns);
- ids + view: a table of the current rows' obs_id and vintages only (sorted by series), and a view
  joining it back to observations, documents and loads;
- flags + view: two columns on observations (current, vintages), set at publish by an UPDATE of the
  rows whose flag differs (none, on a first load of distinct keys), and a view filtering on them.

For each: the write at publish (the full build) and the reads the dashboard makes (one series,
five series, the series list, the month ends, a count, every row). A first load's gain is the
write; every reader pays the read. `uv run python -m bench current`.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.synthetic import long_table_csv
from etl.pipeline import run_load
from etl.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_000_000
RUNS = 5

RANK = """SELECT o.obs_id, o.series_id,
       count(*) OVER (PARTITION BY o.series_id, o.period_start, o.period_end) AS vintages
FROM observations o JOIN documents d USING (document_id)
WHERE o.series_id IS NOT NULL AND o.period_end IS NOT NULL AND o.status IN ('ok', 'accepted')
QUALIFY row_number() OVER (PARTITION BY o.series_id, o.period_start, o.period_end
    ORDER BY d.published DESC NULLS LAST, o.load_id DESC, o.obs_id DESC) = 1"""
DOCUMENT = """d.published, d.file_name AS document, d.kind AS document_kind, d.simulated,
       coalesce(o.publisher, d.publisher) AS source_publisher, coalesce(o.source_url, d.source_url) AS source_link,
       d.title AS document_title, CAST(l.started_at AS DATE) AS loaded_on"""
FORMS = {
    "table": ((ROOT / "etl" / "views" / "005_obs_current.sql").read_text(encoding="utf-8"), "obs_current"),
    "ids + view": (f"""CREATE OR REPLACE TABLE current_ids AS {RANK} ORDER BY series_id;
        CREATE OR REPLACE VIEW current_by_ids AS SELECT o.*, {DOCUMENT}, c.vintages
        FROM current_ids c JOIN observations o ON o.obs_id = c.obs_id AND o.series_id = c.series_id
        JOIN documents d USING (document_id) LEFT JOIN loads l ON l.load_id = o.load_id""", "current_by_ids"),
    "flags + view": (f"""UPDATE observations SET is_current = (r.obs_id IS NOT NULL), vintage_count = coalesce(r.vintages, 1)
        FROM observations x LEFT JOIN ({RANK}) r USING (obs_id)
        WHERE observations.obs_id = x.obs_id AND (observations.is_current IS DISTINCT FROM (r.obs_id IS NOT NULL)
              OR observations.vintage_count IS DISTINCT FROM coalesce(r.vintages, 1));
        CREATE OR REPLACE VIEW current_by_flags AS SELECT o.* EXCLUDE (is_current, vintage_count), {DOCUMENT},
               o.vintage_count AS vintages
        FROM observations o JOIN documents d USING (document_id) LEFT JOIN loads l ON l.load_id = o.load_id
        WHERE o.is_current""", "current_by_flags"),
}
READS = {
    "one series": "SELECT * FROM {rel} WHERE series_id = $one ORDER BY period_end",
    "five series": "SELECT * FROM {rel} WHERE series_id IN (SELECT unnest($five))",
    "series list": "SELECT series_id, count(*), min(period_end), max(period_end) FROM {rel} GROUP BY ALL",
    "month ends": "SELECT DISTINCT period_end FROM {rel} WHERE period_end = last_day(period_end)",
    "count": "SELECT count(*), sum(value) FROM {rel}",
    "every row": "SELECT * FROM {rel}",
}


def _warehouse(work: Path) -> Path:
    (work / "inbox").mkdir(parents=True)
    long_table_csv(work / "inbox" / "table.csv", ROWS)
    settings = load_settings(db=work / "wh" / "pulse.duckdb", inbox=work / "inbox", quarantine=work / "q")
    assert [f.status for f in run_load(settings).files] == ["loaded"]
    return work / "wh" / "pulse.duckdb"


def _measure(db: Path, work: Path) -> tuple[dict[str, list[float]], dict[tuple[str, str], list[float]]]:
    writes: dict[str, list[float]] = {form: [] for form in FORMS}
    reads: dict[tuple[str, str], list[float]] = {}
    for _ in range(RUNS):
        for form, (build, rel) in FORMS.items():
            copy = work / "copy.duckdb"
            shutil.copyfile(db, copy)
            con = duckdb.connect(str(copy))
            con.execute("SET enable_progress_bar = false")
            con.execute("ALTER TABLE observations ADD COLUMN is_current BOOLEAN DEFAULT true")
            con.execute("ALTER TABLE observations ADD COLUMN vintage_count INTEGER DEFAULT 1")
            con.execute("DROP TABLE obs_current")
            con.execute("CHECKPOINT")
            start = time.perf_counter()
            con.execute(build)
            con.execute("CHECKPOINT")
            writes[form].append(time.perf_counter() - start)
            ids = [r[0] for r in con.execute(f"SELECT DISTINCT series_id FROM {rel} ORDER BY 1").fetchall()]
            params = {"one": ids[len(ids) // 2], "five": ids[::max(1, len(ids) // 5)][:5]}
            for name, sql in READS.items():
                query = sql.format(rel=rel)
                used = {k: v for k, v in params.items() if f"${k}" in query}
                start = time.perf_counter()
                con.execute(query, used).to_arrow_table()
                reads.setdefault((name, form), []).append(time.perf_counter() - start)
            con.close()
            copy.unlink()
    return writes, reads


def main() -> str:
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-current-"))
    try:
        writes, reads = _measure(_warehouse(work), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = statistics.median
    forms = list(FORMS)
    lines = ["## The current vintage: table, ids + view, flags + view (`bench/bench_current.py`)\n",
             f"{ROWS:,} loaded rows, median of {RUNS} alternating runs, seconds (ratio to the table).\n",
             "| measure | " + " | ".join(forms) + " |", "| --- |" + " --- |" * len(forms)]
    base = med(writes["table"])
    lines.append("| write at publish (full build + CHECKPOINT) | "
                 + " | ".join(f"{med(writes[f]):.2f} ({med(writes[f]) / base:.2f}×)" for f in forms) + " |")
    for name in READS:
        base = med(reads[(name, "table")])
        lines.append(f"| read: {name} | " + " | ".join(
            f"{med(reads[(name, f)]) * 1000:.1f} ms ({med(reads[(name, f)]) / base:.1f}×)" for f in forms) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
