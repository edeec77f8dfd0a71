"""The warehouse setting: file or lake, and the lake's password kept out of everything printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.settings import SettingsError, describe_settings, load_settings
from etl.target import LakeTarget

DSN = "ducklake:postgres:dbname=pulse host=db1 port=5432 user=pulse password=s3cr3t"


def test_a_lake_target_names_the_catalog_without_its_password(tmp_path):
    s = load_settings(db=tmp_path / "home" / "pulse.duckdb", warehouse=DSN, data_path=str(tmp_path / "data"))
    assert isinstance(s.db, LakeTarget)
    assert s.db.catalog.endswith("password=s3cr3t")  # what the engine needs
    assert str(s.db) == f"ducklake:postgres:dbname=pulse host=db1 port=5432 user=pulse password=*** (data {tmp_path / 'data'}/)"
    assert "s3cr3t" not in repr(s.db)
    shown = dict((name, value) for name, value, _ in describe_settings(s))
    assert shown["warehouse"] == "ducklake:postgres:dbname=pulse host=db1 port=5432 user=pulse password=***"
    assert s.db.parent == tmp_path / "home"  # the journal and the log stay on this machine


def test_the_environment_picks_the_lake(tmp_path, monkeypatch):
    monkeypatch.setenv("PULSE_WAREHOUSE", DSN)
    monkeypatch.setenv("PULSE_DATA_PATH", "s3://bucket/pulse/")
    monkeypatch.setenv("PULSE_S3_SECRET", "key-secret")
    s = load_settings(db=tmp_path / "pulse.duckdb")
    assert (s.db.data_path, s.db.s3.secret) == ("s3://bucket/pulse/", "key-secret")
    assert "key-secret" not in repr(s.db)
    assert dict((n, v) for n, v, _ in describe_settings(s))["s3_secret"] == "(set)"


def test_file_with_a_path_is_the_file_backend(tmp_path):
    s = load_settings(warehouse=f"file:{tmp_path / 'w.duckdb'}")
    assert s.db == Path(tmp_path / "w.duckdb")


@pytest.mark.parametrize(("value", "message"), [
    ("ducklake:sqlite:x.db", r"only a PostgreSQL catalog is supported \(ducklake:postgres:dbname=… host=…\)"),
    ("postgres:dbname=x password=p", r"warehouse 'postgres:dbname=x password=\*\*\*' must start with file: or ducklake:postgres:"),
])
def test_a_warehouse_of_another_kind_is_one_sentence(value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(warehouse=value)
