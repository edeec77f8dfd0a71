"""The table of hostile statements, shared by the library, CLI and page tests.

Each case: an id, the SQL (a template over the fixture's paths), and the refusal it must get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.sql.conftest import Warehouse

WRITES = "writes are not allowed"
FILES = "reading files is not allowed"
ONE = "only one statement at a time"
EXT = "installing or loading extensions is not allowed"
SETTINGS = "changing settings is not allowed"
ATTACH = "attaching or detaching databases is not allowed"
ALLOWED = "only SELECT, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE and EXPLAIN queries are allowed"
CATALOG = "the warehouse catalog's own functions and tables are not allowed"
LONG = "queries longer than 100,000 characters are not allowed"


@dataclass(frozen=True)
class Case:
    id: str
    sql: str
    message: str

    def render(self, wh: Warehouse) -> str:
        return self.sql.format(secret=wh.secret, secret_dir=wh.secret.parent, beside=wh.beside,
                               db=wh.db, wh_dir=wh.db.parent, telemetry_csv=wh.telemetry_csv)

    @property
    def pattern(self) -> str:
        return "^" + re.escape(self.message) + "$"


def _files() -> list[Case]:
    fns = ["read_csv", "read_csv_auto", "read_parquet", "parquet_scan", "read_json", "read_json_auto",
           "read_ndjson", "read_ndjson_auto", "read_json_objects", "read_ndjson_objects", "read_text",
           "read_blob", "glob", "parquet_metadata", "parquet_schema", "parquet_file_metadata",
           "parquet_kv_metadata", "sniff_csv"]
    cases = [Case(f"file-{fn}", f"SELECT * FROM {fn}('{{secret}}')", FILES) for fn in fns]
    return cases + [
        Case("file-bare-path-in-from", "SELECT * FROM '{secret}'", FILES),
        Case("file-bare-from-shorthand", "FROM '{secret}'", FILES),
        Case("file-beside-warehouse-absolute", "SELECT * FROM read_csv('{beside}')", FILES),
        Case("file-beside-warehouse-relative", "SELECT * FROM read_csv('beside.csv')", FILES),
        Case("file-warehouse-lock", "SELECT * FROM read_text('{db}.lock')", FILES),
        Case("file-dotdot-out-of-telemetry", "SELECT * FROM read_csv('{wh_dir}/telemetry/../beside.csv')", FILES),
        Case("file-list-with-one-outside", "SELECT * FROM read_csv(['{telemetry_csv}', '{secret}'])", FILES),
        Case("file-glob-directory", "SELECT * FROM glob('{secret_dir}/*')", FILES),
        Case("file-glob-relative", "SELECT * FROM glob('*')", FILES),
        Case("file-etc-passwd", "SELECT * FROM read_text('/etc/passwd')", FILES),
        Case("file-proc-environ", "SELECT * FROM read_blob('/proc/self/environ')", FILES),
        Case("file-in-subquery", "SELECT (SELECT count(*) FROM read_csv('{secret}')) AS n", FILES),
        Case("file-in-cte", "WITH s AS (SELECT * FROM read_text('{secret}')) SELECT * FROM s", FILES),
        Case("file-https", "SELECT * FROM read_csv('https://example.com/x.csv')", FILES),
        Case("file-s3", "SELECT * FROM read_parquet('s3://bucket/x.parquet')", FILES),
        Case("file-secrets", "SELECT * FROM duckdb_secrets()", FILES),
    ]


CASES: list[Case] = [
    # writes and DDL
    Case("insert", "INSERT INTO warehouse_info VALUES ('x', 'y')", WRITES),
    Case("insert-select-cte", "WITH x AS (SELECT 'k', 'v') INSERT INTO warehouse_info SELECT * FROM x", WRITES),
    Case("update", "UPDATE observations SET value = 0", WRITES),
    Case("delete", "DELETE FROM observations", WRITES),
    Case("truncate", "TRUNCATE observations", WRITES),
    Case("merge", "MERGE INTO warehouse_info t USING (SELECT 'version' AS key) s ON t.key = s.key "
                  "WHEN MATCHED THEN DELETE", WRITES),
    Case("create-table", "CREATE TABLE x AS SELECT 1", WRITES),
    Case("create-temp-table", "CREATE TEMP TABLE x AS SELECT 1", WRITES),
    Case("create-view", "CREATE OR REPLACE VIEW v_latest AS SELECT 1", WRITES),
    Case("create-macro", "CREATE MACRO m() AS 1", WRITES),
    Case("create-secret", "CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')", WRITES),
    Case("drop", "DROP VIEW v_latest", WRITES),
    Case("alter", "ALTER TABLE series ADD COLUMN x INTEGER", WRITES),
    Case("nextval", "SELECT nextval('observation_ids')", WRITES),
    Case("explain-analyze-delete", "EXPLAIN ANALYZE DELETE FROM observations", WRITES),
    Case("explain-options-delete", "EXPLAIN (FORMAT json) DELETE FROM observations", WRITES),
    Case("checkpoint", "CHECKPOINT", WRITES),
    Case("force-checkpoint", "FORCE CHECKPOINT", WRITES),
    Case("vacuum", "VACUUM", WRITES),
    Case("analyze", "ANALYZE", WRITES),
    Case("copy-to", "COPY observations TO '{secret_dir}/out.csv'", WRITES),
    Case("copy-query-to", "COPY (SELECT 1) TO '{wh_dir}/telemetry/out.parquet' (FORMAT parquet)", WRITES),
    Case("copy-from", "COPY warehouse_info FROM '{secret}'", WRITES),
    Case("export", "EXPORT DATABASE '{secret_dir}/export'", WRITES),
    Case("import", "IMPORT DATABASE '{secret_dir}'", WRITES),
    # DuckDB 1.5 reads the folder's schema.sql while parsing: refused before any parse
    Case("import-as-second-statement", "SELECT 1; IMPORT DATABASE '{secret_dir}'", WRITES),
    Case("copy-database", "COPY FROM DATABASE pulse TO other", WRITES),
    # other databases
    Case("attach-file", "ATTACH '{secret_dir}/other.duckdb' AS other", ATTACH),
    Case("attach-memory", "ATTACH ':memory:' AS m", ATTACH),
    Case("detach", "DETACH pulse", ATTACH),
    # extensions
    Case("install", "INSTALL httpfs", EXT),
    Case("force-install", "FORCE INSTALL httpfs", EXT),
    Case("load", "LOAD httpfs", EXT),
    Case("update-extensions", "UPDATE EXTENSIONS", EXT),
    Case("list-extensions", "SELECT * FROM duckdb_extensions()", EXT),
    # settings
    Case("set", "SET threads = 8", SETTINGS),
    Case("set-external-access", "SET enable_external_access = true", SETTINGS),
    Case("set-global-memory", "SET GLOBAL memory_limit = '100GB'", SETTINGS),
    Case("reset", "RESET threads", SETTINGS),
    Case("reset-lock", "RESET lock_configuration", SETTINGS),
    Case("pragma-set", "PRAGMA threads = 8", SETTINGS),
    Case("pragma", "PRAGMA enable_profiling", SETTINGS),
    Case("set-variable", "SET VARIABLE x = 1", SETTINGS),
    Case("use", "USE memory", SETTINGS),
    # other statement kinds
    Case("call", "CALL pragma_version()", ALLOWED),
    Case("call-checkpoint", "CALL checkpoint()", ALLOWED),
    Case("begin", "BEGIN TRANSACTION", ALLOWED),
    Case("prepare", "PREPARE p AS SELECT 1", ALLOWED),
    # more than one statement, however hidden
    Case("two-selects", "SELECT 1; SELECT 2", ONE),
    Case("select-then-drop", "SELECT 1; DROP VIEW v_latest", ONE),
    Case("after-line-comment", "SELECT 1 -- harmless\n; DROP VIEW v_latest", ONE),
    Case("after-block-comment", "SELECT 1 /* ; */ ; DROP VIEW v_latest", ONE),
    Case("after-string-with-semicolon", "SELECT ';' AS s; DROP VIEW v_latest", ONE),
    Case("after-escaped-quote", "SELECT 'it''s; fine'; DELETE FROM observations", ONE),
    Case("after-dollar-string", "SELECT $$x; y$$; DELETE FROM observations", ONE),
    Case("after-quoted-identifier", 'SELECT 1 AS ";"; DELETE FROM observations', ONE),
    Case("newline-separated", "SELECT 1;\nINSERT INTO warehouse_info VALUES ('a', 'b')", ONE),
    # very long input
    Case("one-megabyte-of-spaces", "SELECT 1" + " " * 1_000_000, LONG),
    Case("one-megabyte-string", "SELECT '" + "x" * 1_000_000 + "'", LONG),
    # the DuckLake catalog: PostgreSQL behind the read-only views, and the lake's own listings
    Case("postgres-query", "SELECT * FROM postgres_query('__ducklake_metadata_pulse', 'SELECT pg_read_file(''/etc/passwd'')')",
         CATALOG),
    Case("postgres-scan-any-server", "SELECT * FROM postgres_scan('host=127.0.0.1 dbname=postgres', 'public', 't')",
         CATALOG),
    Case("postgres-execute", "SELECT * FROM postgres_execute('__ducklake_metadata_pulse', 'DROP TABLE ducklake_metadata')",
         CATALOG),
    Case("metadata-catalog", "SELECT * FROM __ducklake_metadata_pulse.ducklake_metadata", CATALOG),
    Case("metadata-catalog-quoted", 'SELECT * FROM "__ducklake_metadata_pulse"."ducklake_data_file"', CATALOG),
    Case("lake-file-list", "SELECT * FROM ducklake_list_files('pulse', 'observations')", CATALOG),
    *_files(),
]


def case_ids() -> list[str]:
    return [c.id for c in CASES]
