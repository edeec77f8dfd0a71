"""Saved queries, examples, the data-dictionary parser, the schema browser and output formats."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from dashboard.sql import SandboxLimits, run_query
from dashboard.sql.output import summary, to_csv, to_json, to_parquet
from dashboard.sql.saved import EXAMPLES, QUERIES_DIR, load_saved, parse_saved
from dashboard.sql.schema import parse_dictionary, warehouse_schema
from tests.sql.conftest import Warehouse

CASES = __import__("pathlib").Path(__file__).parent / "cases"


def test_dictionary_parser_reads_descriptions_and_columns() -> None:
    docs = parse_dictionary((CASES / "data_dictionary.md").read_text(encoding="utf-8"))
    assert list(docs) == ["v_latest", "v_yoy"]
    assert docs["v_latest"].description == "The latest period of every series. Continued on a second line."
    assert [(c.name, c.type, c.description) for c in docs["v_latest"].columns] == [
        ("series_id", "VARCHAR", "Stable slug of the series."),
        ("value", "DOUBLE", "Value in the canonical unit; see `unit`."),
    ]
    assert docs["v_yoy"].columns[1].description == ""


def test_schema_lists_views_first_with_types_and_descriptions(warehouse: Warehouse) -> None:
    docs = parse_dictionary((CASES / "data_dictionary.md").read_text(encoding="utf-8"))
    schema = warehouse_schema(warehouse.db, docs)
    names = [r.name for r in schema]
    assert {"v_observations", "v_latest", "v_yoy"} <= set(names)
    kinds = [r.is_view for r in schema]
    assert kinds == sorted(kinds, reverse=True) and kinds[names.index("documents")] is False  # views, then tables
    latest = next(r for r in schema if r.name == "v_latest")
    assert latest.description.startswith("The latest period")
    series_id = next(c for c in latest.columns if c.name == "series_id")
    assert (series_id.type, series_id.description) == ("VARCHAR", "Stable slug of the series.")


def test_saved_query_header_gives_title_and_param_fields() -> None:
    text = ("-- title: 历史 / History\n-- param series_id: 序列 / series = nf10_output\n"
            "SELECT * FROM v_observations WHERE series_id = :series_id AND period_end >= :since\n")
    saved = parse_saved("history", text)
    assert saved.title == "历史 / History"
    assert [(p.name, p.label, p.default) for p in saved.params] == [
        ("series_id", "序列 / series", "nf10_output"), ("since", "since", "")]


@pytest.mark.parametrize("saved", load_saved(), ids=lambda s: s.name)
def test_every_shipped_saved_query_runs_with_its_defaults(warehouse: Warehouse, saved) -> None:
    values = {p.name: p.default for p in saved.params}
    result = run_query(warehouse.db, saved.sql, values)
    assert result.columns


def test_shipped_saved_queries_exist() -> None:
    assert {"latest_by_category", "series_history", "yoy_for_series"} <= {s.name for s in load_saved()}
    assert QUERIES_DIR.name == "queries"


def test_series_history_returns_rows_for_a_loaded_series(warehouse: Warehouse) -> None:
    saved = next(s for s in load_saved() if s.name == "series_history")
    result = run_query(warehouse.db, saved.sql, {"series_id": "nf10_output"})
    assert result.row_count >= 1


@pytest.mark.parametrize("title", list(EXAMPLES))
def test_every_example_runs(warehouse: Warehouse, title: str) -> None:
    assert run_query(warehouse.db, EXAMPLES[title]).columns


def test_csv_json_parquet_carry_awkward_types(warehouse: Warehouse) -> None:
    sql = ("SELECT 1 AS a, 1 AS a, [1, 2] AS l, {'k': '铝'} AS s, INTERVAL 1 DAY AS i, "
           "1.50::DECIMAL(4, 2) AS d, DATE '2025-09-30' AS day, NULL AS n")
    result = run_query(warehouse.db, sql)
    rows = list(csv.reader(io.StringIO(to_csv(result).decode("utf-8"))))
    assert rows == [["a", "a", "l", "s", "i", "d", "day", "n"],
                    ["1", "1", "[1, 2]", '{"k": "铝"}', "1 days", "1.50", "2025-09-30", ""]]
    assert json.loads(to_json(result)) == [{"a": 1, "a_2": 1, "l": [1, 2], "s": {"k": "铝"}, "i": "1 days",
                                            "d": 1.5, "day": "2025-09-30", "n": None}]
    table = pq.read_table(io.BytesIO(to_parquet(result)))
    assert table.column_names == ["a", "a_2", "l", "s", "i", "d", "day", "n"]


def test_summary_mentions_truncation(warehouse: Warehouse) -> None:
    result = run_query(warehouse.db, "SELECT * FROM range(5)", limits=SandboxLimits(max_rows=2))
    assert summary(result).startswith("2 rows in ")
    assert summary(result).endswith("only the first 2 rows are shown; the query returned more (add a LIMIT or filter)")
