"""Smoke tests of the offline extension path against the real test servers.

DuckDB 1.5.5 loads postgres, ducklake and httpfs from their Python packages (nothing can be
downloaded: autoinstall and autoload are off, the extension folder is empty), attaches a DuckLake
whose catalog is in the session's PostgreSQL, and keeps its data files on local disk or in the moto
bucket. Two inserts are two snapshots; the older one is still readable (time travel).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.servers.offline_duckdb import offline_connection

# Inlining off: by default DuckLake keeps inserts this small in the catalog, and no file would reach DATA_PATH.
ATTACH = "ATTACH 'ducklake:postgres:{dsn}' AS lake (DATA_PATH '{data}', DATA_INLINING_ROW_LIMIT 0)"


def write_two_snapshots(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    con.execute("CREATE TABLE lake.readings (plant VARCHAR, value INTEGER)")
    snapshots = []
    for plant, values in (("smelter", (1, 2, 3)), ("refinery", (10, 20))):
        con.execute("INSERT INTO lake.readings SELECT ?, unnest(?)", [plant, list(values)])
        snapshots.append(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])
    return snapshots[0], snapshots[1]


def counts(con: duckdb.DuckDBPyConnection, at: str = "") -> list[tuple]:
    return con.execute(f"SELECT plant, count(*), sum(value) FROM lake.readings {at} GROUP BY plant "
                       "ORDER BY plant").fetchall()


def check_lake(con: duckdb.DuckDBPyConnection, dsn: str, data: str) -> None:
    """Write two snapshots, then read them back from a second connection (the catalog persisted in PostgreSQL)."""
    con.execute(ATTACH.format(dsn=dsn, data=data))
    first, second = write_two_snapshots(con)
    assert second == first + 1
    changes = con.execute("SELECT changes FROM lake.snapshots() WHERE snapshot_id IN (?, ?) ORDER BY snapshot_id",
                          [first, second]).fetchall()
    assert [c[0] for c in changes] == [{"tables_inserted_into": ["1"]}] * 2
    con.execute("DETACH lake")
    con.execute(f"ATTACH 'ducklake:postgres:{dsn}' AS lake")  # DATA_PATH now comes from the catalog
    assert counts(con) == [("refinery", 2, 30), ("smelter", 3, 6)]
    assert counts(con, f"AT (VERSION => {first})") == [("smelter", 3, 6)]


def test_a_ducklake_in_postgres_with_local_data_path(postgres_server, postgres_db, tmp_path):
    data = tmp_path / "lake-data"
    con = offline_connection(tmp_path / "ext")
    try:
        check_lake(con, postgres_db, f"{data}/")
    finally:
        con.close()
    assert len(list(data.rglob("*.parquet"))) == 2  # one data file per insert, on local disk
    dbname = postgres_db.split()[0].removeprefix("dbname=")
    assert postgres_server.psql("SELECT count(*) FROM ducklake_data_file", dbname=dbname) == "2"


def test_a_ducklake_in_postgres_with_data_path_in_the_s3_bucket(postgres_db, s3_server, tmp_path):
    bucket = s3_server.new_bucket("pulse-lake")
    con = offline_connection(tmp_path / "ext")
    try:
        con.execute(s3_server.duckdb_secret())
        check_lake(con, postgres_db, f"{bucket}lake/")
    finally:
        con.close()
    keys = s3_server.keys("pulse-lake")
    assert len(keys) == 2 and all(k.startswith("lake/") and k.endswith(".parquet") for k in keys), keys


def test_nothing_is_downloaded_a_missing_extension_is_an_error(tmp_path):
    con = offline_connection(tmp_path / "ext", names=("ducklake",))  # no postgres: ducklake cannot reach it
    try:
        with pytest.raises(duckdb.IOException, match=r"no-downloads/v1\.5\.5/[a-z0-9_]+/postgres_scanner"
                                                     r"\.duckdb_extension\" not found"):
            con.execute("ATTACH 'ducklake:postgres:dbname=none host=127.0.0.1 port=1' AS lake")
    finally:
        con.close()


def test_an_extension_that_cannot_be_loaded_fails_naming_its_package(monkeypatch, tmp_path):
    monkeypatch.setattr("tests.servers.offline_duckdb.package_file",
                        lambda name: tmp_path / "gone" / f"{name}.duckdb_extension")
    with pytest.raises(pytest.fail.Exception,
                       match=r"^DuckDB 1\.5\.5 could not load the ducklake extension from the package "
                             r"duckdb-extension-ducklake \(run `uv sync`\): .*gone/ducklake\.duckdb_extension "
                             r"does not exist$"):
        offline_connection(tmp_path / "ext", names=("ducklake",))


def test_the_postgres_package_file_is_named_after_the_extension_alias_not_its_entry_point():
    # why offline_duckdb links it as postgres_scanner.duckdb_extension: loaded under its own name it fails
    from tests.servers.offline_duckdb import package_file

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        with pytest.raises(duckdb.IOException, match="expected entrypoint function 'postgres_duckdb_cpp_init'"):
            con.load_extension(str(package_file("postgres")))
    finally:
        con.close()
    assert Path(package_file("postgres")).name == "postgres.duckdb_extension"
