"""What a table load leaves in the warehouse, row for row: a safety net for speed work on the load
path (issue 17), which must change how fast, never what is stored.

Three real loads into one real (file) warehouse, each compared to a snapshot committed under
tests/cases/contents/ that main's code wrote before any speed change:
  1. a long-format table CSV, beside a file rejected for a bad value (rejects, quarantine);
  2. a wide NBS-style table (GBK), into a warehouse that holds other documents' rows, none for its
     series-periods;
  3. legacy_kinds.csv: change kinds as an older Pulse wrote them (vs_prev_year, read as yoy) and a
     figure from another publisher that conflicts with load 1's current value (held for review).

To write the snapshots again (after a change that is meant to change what a load stores):
  WRITE_LOAD_SNAPSHOT=1 .venv/bin/pytest tests/etl/test_load_contents.py   (then review the diff)
"""

from __future__ import annotations

import difflib
import json
import os
from datetime import date, datetime
from decimal import Decimal

import pytest

from etl.pipeline import run_load
from etl.read import connect_readonly
from etl.settings import Settings
from tests.conftest import CASES, put

SNAPSHOTS = CASES / "contents"
LOADS = [  # (snapshot name, case files put into the inbox before the load)
    ("after_long_table", ["tables/long_utf8.csv", "tables/non_numeric_value.csv"]),
    ("after_wide_nbs", ["tables/wide_nbs_monthly_gbk.csv"]),
    ("after_legacy_kinds", ["contents/legacy_kinds.csv"]),
]

# Columns left out on purpose, each because it differs from run to run for reasons no load decides:
EXCLUDED = {
    "loads": ["started_at", "finished_at",  # wall-clock times
              "pulse_version"],  # the package version: a release is not a change of contents
    "rejects": ["rejected_at"],  # wall-clock time
    "review_decisions": ["decided_at"],  # wall-clock time
    "schema_migrations": ["applied_at"],  # wall-clock time
    # obs_id: nextval in an INSERT ... SELECT numbers rows in the order DuckDB's threads hand them
    # over, which varies between runs even for a file of four distinct rows (two ids swapped in about
    # half the runs). Rows are told apart by their other columns (document, source_row, series, period).
    "observations": ["obs_id"],
    "obs_current": ["obs_id",
                    "loaded_on"],  # the date the test runs (CAST(loads.started_at AS DATE))
    "card_facts": ["loaded_on"],  # the same date, carried to the cards
}
# warehouse_info values that are a clock or digests of inputs (catalog file, view SQL text), not of
# what was loaded; their keys are kept, so a key added or lost still shows.
MASKED_INFO = ("published_at", "catalog_sha256", "series_sha256", "obs_current_sha256")
# Tables not dumped: `series` is data/catalog.toml copied by refresh_catalog (test_pipeline.py checks
# that an edit reaches it); dumping it would break this test at every catalog edit. Views are SQL
# over the tables dumped here, created from etl/views at publish.
NOT_DUMPED = {"series"}
# Every other table is dumped, so a table a future migration adds cannot be missed silently.
# A review decision names its observation by what identifies it across runs, not by obs_id.
DECIDED = ("(SELECT concat_ws(' ', o.document_id, o.source_row, o.series_id, o.period_start, o.period_end) "
           "FROM observations o WHERE o.obs_id = review_decisions.obs_id)")


def _plain(value):
    if isinstance(value, date | datetime | Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} in a snapshot")


def dump(settings: Settings) -> list[str]:
    """Every table's rows, ORDER BY ALL, one JSON line each, then the quarantine's files; run-specific
    text made stable: load ids become L1, L2, ... in load order, the test's tmp folder <tmp>."""
    con = connect_readonly(settings.db)
    try:
        load_ids = [r[0] for r in con.execute("SELECT load_id FROM loads ORDER BY load_id").fetchall()]

        def stable(column: str) -> str:
            expr = f"replace({column}, '{settings.inbox.parent.as_posix()}', '<tmp>')"
            for i, load_id in enumerate(load_ids, 1):
                expr = f"replace({expr}, '{load_id}', 'L{i}')"
            return expr

        lines = []
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                            "current_database() ORDER BY table_name").fetchall()]
        for table in tables:
            if table in NOT_DUMPED:
                continue
            columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
                                  "current_database() AND table_name = ? ORDER BY column_index", [table]).fetchall()
            picked = [(name, stable(f'"{name}"') if kind == "VARCHAR" else f'"{name}"')
                      for name, kind in columns if name not in EXCLUDED.get(table, [])]
            if table == "review_decisions":
                picked = [(n, DECIDED if n == "obs_id" else e) for n, e in picked]
            if table == "warehouse_info":
                masked = ", ".join(f"'{k}'" for k in MASKED_INFO)
                picked = [("key", "key"), ("value", f"CASE WHEN key IN ({masked}) THEN '<masked>' ELSE value END")]
            lines.append(f"## {table}: {', '.join(name for name, _ in picked)}")
            rows = con.execute(f"SELECT {', '.join(expr for _, expr in picked)} FROM {table} ORDER BY ALL").fetchall()
            lines += [json.dumps(list(row), ensure_ascii=False, default=_plain) for row in rows]
    finally:
        con.close()
    quarantined = sorted(p.relative_to(settings.quarantine).as_posix()
                         for p in settings.quarantine.rglob("*") if p.is_file())
    for i, load_id in enumerate(load_ids, 1):
        quarantined = [p.replace(load_id, f"L{i}") for p in quarantined]
    return [*lines, "## quarantine (files)", *quarantined]


def first_mismatch(expected: list[str], got: list[str], limit: int = 40) -> str:
    """The first lines of a unified diff, snapshot -> this load."""
    diff = list(difflib.unified_diff(expected, got, "snapshot", "this load", n=2, lineterm=""))
    more = f"\n... {len(diff) - limit} more diff lines" if len(diff) > limit else ""
    return "\n".join(diff[:limit]) + more


def test_table_loads_store_exactly_the_snapshot(settings):
    writing = os.environ.get("WRITE_LOAD_SNAPSHOT") == "1"
    for name, files in LOADS:
        put(settings, *files)
        assert run_load(settings).published_version is not None
        got = dump(settings)
        path = SNAPSHOTS / f"{name}.txt"
        if writing:
            path.write_text("\n".join(got) + "\n", encoding="utf-8")
            continue
        expected = path.read_text(encoding="utf-8").splitlines()
        assert got == expected, f"{name}: the load stored other rows than {path.name}:\n{first_mismatch(expected, got)}"
    if writing:
        pytest.skip("snapshots written; run again without WRITE_LOAD_SNAPSHOT=1 to compare, and review the diff")
