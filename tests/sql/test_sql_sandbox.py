"""The sandbox library against a real warehouse: hostile statements, limits, results, telemetry."""

from __future__ import annotations

import pytest

from dashboard.sql import SandboxLimits, SqlError, SqlRefused, run_query
from etl.target import LakeTarget
from tests.sql.conftest import LAKE_PASSWORD, Warehouse
from tests.sql.hostile import CASES, FILES, Case, case_ids

pytestmark = pytest.mark.backends


def parts_only(warehouse: Warehouse) -> None:
    if isinstance(warehouse.db, LakeTarget):
        pytest.skip("telemetry Parquet parts and views over them are the file backend's (the lake has tables)")


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_hostile_statement_is_refused_and_nothing_changes(warehouse: Warehouse, case: Case) -> None:
    before, files = warehouse.digest(), warehouse.files()
    with pytest.raises(SqlRefused, match=case.pattern):
        run_query(warehouse.db, case.render(warehouse))
    assert warehouse.digest() == before
    assert warehouse.files() == files


@pytest.mark.parametrize("sql", [
    "SELECT ';DROP VIEW v_latest' AS s",
    "SELECT 1 AS x -- ; DROP VIEW v_latest",
    "SELECT 1 AS x; -- trailing comment after the only statement",
    "SELECT 1 AS x /* ; DELETE FROM observations */",
])
def test_semicolons_in_strings_and_comments_are_one_statement(warehouse: Warehouse, sql: str) -> None:
    result = run_query(warehouse.db, sql)
    assert result.row_count == 1


@pytest.mark.parametrize("sql", [
    "SELECT * FROM v_latest", "WITH x AS (SELECT 1 AS a) SELECT * FROM x", "VALUES (1), (2)",
    "DESCRIBE v_observations", "SHOW TABLES", "SUMMARIZE series", "EXPLAIN SELECT * FROM v_yoy",
    "EXPLAIN ANALYZE SELECT count(*) FROM observations", "FROM series", "TABLE series",
    "SELECT * FROM pragma_table_info('series')",
])
def test_read_only_statements_run(warehouse: Warehouse, sql: str) -> None:
    before = warehouse.digest()
    result = run_query(warehouse.db, sql)
    assert result.columns
    assert warehouse.digest() == before


def test_empty_query_is_refused(warehouse: Warehouse) -> None:
    with pytest.raises(SqlRefused, match="^the query is empty$"):
        run_query(warehouse.db, "  -- nothing but a comment\n")


def test_syntax_error_is_one_line(warehouse: Warehouse) -> None:
    with pytest.raises(SqlError, match=r'^Parser Error: syntax error at or near "SELEC"$'):
        run_query(warehouse.db, "SELEC 1")


def test_unknown_table_is_one_line(warehouse: Warehouse) -> None:
    with pytest.raises(SqlError, match=r"^Catalog Error: Table with name nope does not exist!$"):
        run_query(warehouse.db, "SELECT * FROM nope")


def test_deep_nesting_fails_with_one_line(warehouse: Warehouse) -> None:
    # DuckDB 2.0 names the depth limit; 1.5's parser runs out of its stack first
    with pytest.raises(SqlError, match=r'^Parser Error: (Max expression depth limit of 1000 exceeded|memory exhausted at or near "\(")'):
        run_query(warehouse.db, "SELECT " + "(" * 20_000 + "1" + ")" * 20_000)


def test_missing_warehouse_is_one_sentence(tmp_path) -> None:
    with pytest.raises(Exception, match=r"^no warehouse at .*missing\.duckdb; run `pulse load` first"):
        run_query(tmp_path / "missing.duckdb", "SELECT 1")


def test_rows_are_capped_with_truncated_flag(warehouse: Warehouse) -> None:
    capped = run_query(warehouse.db, "SELECT * FROM range(10)", limits=SandboxLimits(max_rows=3))
    exact = run_query(warehouse.db, "SELECT * FROM range(3)", limits=SandboxLimits(max_rows=3))
    assert (capped.row_count, capped.truncated) == (3, True)
    assert (exact.row_count, exact.truncated) == (3, False)


def test_huge_result_is_not_materialised(warehouse: Warehouse) -> None:
    result = run_query(warehouse.db, "SELECT * FROM range(1000000000000)", limits=SandboxLimits(max_rows=1000))
    assert (result.row_count, result.truncated) == (1000, True)


def test_result_carries_columns_types_and_elapsed(warehouse: Warehouse) -> None:
    result = run_query(warehouse.db, "SELECT series_id, value, period_end FROM v_latest ORDER BY 1")
    assert result.columns == ["series_id", "value", "period_end"]
    assert result.types == ["VARCHAR", "DOUBLE", "DATE"]
    assert result.row_count >= 1 and result.elapsed_s > 0
    assert result.to_polars().columns == result.columns


def test_duplicate_column_names_survive(warehouse: Warehouse) -> None:
    result = run_query(warehouse.db, "SELECT 1 AS a, 2 AS a")
    assert result.columns == ["a", "a"]
    assert result.to_polars().columns == ["a", "a_2"]


def test_runaway_cross_join_is_stopped_at_the_time_limit(warehouse: Warehouse) -> None:
    with pytest.raises(SqlRefused, match=r"^time limit of 0\.5 s exceeded$"):
        run_query(warehouse.db, "SELECT count(*) FROM range(1000000) a, range(100000) b",
                  limits=SandboxLimits(timeout_s=0.5))


def test_default_time_limit_message_says_one_second(warehouse: Warehouse) -> None:
    with pytest.raises(SqlRefused, match=r"^time limit of 1 s exceeded$"):
        run_query(warehouse.db, "SELECT max(a.range * b.range) FROM range(100000) a, range(100000) b")


def test_memory_limit_is_a_refusal(warehouse: Warehouse) -> None:
    with pytest.raises(SqlRefused, match=r"^memory limit of 64MB exceeded; filter or aggregate more$"):
        run_query(warehouse.db, "SELECT list(range) FROM range(100000000)",
                  limits=SandboxLimits(timeout_s=30, memory_limit="64MB"))


def test_telemetry_parquet_view_works(warehouse: Warehouse) -> None:
    parts_only(warehouse)
    # string_agg, not min: DuckDB 1.5.5 fails min()/max() of a hive partition column with an internal
    # error (statistics of a partition row group); 2.0 did not
    result = run_query(warehouse.db, "SELECT count(*) AS n, string_agg(DISTINCT plant) AS plant FROM v_weld_test")
    assert result.table.to_pylist() == [{"n": 200, "plant": "p1"}]


def test_telemetry_view_over_a_relative_path_is_refused(warehouse: Warehouse) -> None:
    """A tripwire for etl/views: telemetry views must name their Parquet by absolute path."""
    parts_only(warehouse)
    with pytest.raises(SqlRefused, match=f"^{FILES}$"):
        run_query(warehouse.db, "SELECT count(*) FROM v_weld_relative")


def test_telemetry_directory_is_readable_directly(warehouse: Warehouse) -> None:
    parts_only(warehouse)
    parquet = f"{warehouse.db.parent}/telemetry/weld/*/*/*.parquet"
    direct = run_query(warehouse.db, f"SELECT count(*) AS n FROM read_parquet('{parquet}')")
    csv = run_query(warehouse.db, f"SELECT * FROM read_csv('{warehouse.telemetry_csv}')")
    assert direct.table.to_pylist() == [{"n": 200}]
    assert csv.table.to_pylist() == [{"k": "ok", "v": 1}]


def test_named_parameters_are_bound_not_pasted(warehouse: Warehouse) -> None:
    evil = "x' OR '1'='1"
    result = run_query(warehouse.db, "SELECT count(*) AS n FROM series WHERE series_id = :sid", {"sid": evil})
    assert result.table.to_pylist() == [{"n": 0}]


def test_colon_parameters_leave_casts_slices_and_strings_alone(warehouse: Warehouse) -> None:
    sql = "SELECT :a AS a, '1'::INTEGER AS b, [1, 2, 3][2:3] AS c, {'k': 1} AS d, ':x' AS e -- :y"
    result = run_query(warehouse.db, sql, {"a": "A"})
    assert result.table.to_pylist() == [{"a": "A", "b": 1, "c": [2, 3], "d": {"k": 1}, "e": ":x"}]


def test_missing_parameter_value_is_one_sentence(warehouse: Warehouse) -> None:
    with pytest.raises(SqlError, match="^the query needs a value for :sid$"):
        run_query(warehouse.db, "SELECT * FROM series WHERE series_id = :sid")


def test_positional_parameters_are_refused(warehouse: Warehouse) -> None:
    with pytest.raises(SqlRefused, match=r"^use named parameters such as :series_id, not \? or \$1$"):
        run_query(warehouse.db, "SELECT ?")


def test_parameters_after_chinese_text_are_found(warehouse: Warehouse) -> None:
    """duckdb.tokenize reports byte offsets; multi-byte characters before a :param must not shift it."""
    result = run_query(warehouse.db, "-- 十种有色金属 :not_this\nSELECT '铝' AS m, :a AS a", {"a": "x"})
    assert result.table.to_pylist() == [{"m": "铝", "a": "x"}]


@pytest.mark.parametrize("sql", ["SELECT * FROM checkpoint()", "SELECT * FROM force_checkpoint()",
                                 "SELECT * FROM checkpoint('pulse')"])
def test_table_function_forms_of_checkpoint_change_nothing(warehouse: Warehouse, sql: str) -> None:
    """They parse as SELECT; the READ_ONLY attach makes them no-ops (or refusals), never writes."""
    before, files = warehouse.digest(), warehouse.files()
    try:
        run_query(warehouse.db, sql)
    except (SqlRefused, SqlError):
        pass
    assert warehouse.digest() == before
    assert warehouse.files() == files


@pytest.mark.parametrize("sql", [
    "SELECT * FROM duckdb_databases()", "SELECT * FROM duckdb_settings()",
    "SELECT current_setting('allowed_paths') AS v", "SELECT * FROM information_schema.schemata",
])
def test_no_view_of_the_engine_shows_the_catalog_password(warehouse: Warehouse, sql: str) -> None:
    """The lake's DSN holds a password (tests/sql/conftest.py): no row the sandbox can read shows it."""
    rows = str(run_query(warehouse.db, sql, limits=SandboxLimits(timeout_s=30, max_rows=10_000)).table.to_pylist())
    assert LAKE_PASSWORD not in rows and "dbname=" not in rows
