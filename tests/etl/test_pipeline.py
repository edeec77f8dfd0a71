"""Idempotency, vintages, re-mapping after the catalog grows, and the CLI's exit codes."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from etl.pipeline import run_load
from etl.read import query, warehouse_info, warehouse_version
from etl.settings import Settings
from tests.conftest import CASES, put, run_pulse, warehouse_env

pytestmark = pytest.mark.backends


def sha(path) -> str:
    """The published file's bytes; a lake has no file, its snapshot id says whether it changed."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and isinstance(path, Path) else str(warehouse_version(path))


def test_a_second_run_with_nothing_new_changes_nothing(settings):
    put(settings, "tables/long_utf8.csv", "tables/wide_nbs_monthly_gbk.csv")
    first = run_load(settings)
    assert first.published_version == 1 and first.count("loaded") == 2
    before, version = sha(settings.db), warehouse_version(settings.db)
    second = run_load(settings)
    assert second.published_version is None and second.count("skipped") == 2
    assert sha(settings.db) == before and warehouse_version(settings.db) == version


def test_the_same_file_under_another_name_is_skipped(settings):
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    shutil.copy(CASES / "tables/long_utf8.csv", settings.inbox / "copy_of_long.csv")
    assert run_load(settings).count("skipped") == 2


def test_a_later_publication_supersedes_and_history_is_kept(settings):
    header = "series_id,period_start,period_end,value,unit\n"
    (settings.inbox / "first.csv").write_text(header + "nf10_output,2024-01-01,2024-12-31,7918,万吨\n", encoding="utf-8")
    run_load(settings)
    (settings.inbox / "revised.csv").write_text(header + "nf10_output,2024-01-01,2024-12-31,7919.5,万吨\n", encoding="utf-8")
    run_load(settings)
    current = query(settings.db, "SELECT value, vintages, document FROM v_observations")
    assert current.rows() == [(79_195_000.0, 2, "revised.csv")]
    assert query(settings.db, "SELECT count(*) FROM observations").item() == 2


def test_extending_the_catalog_maps_kept_statistics_without_rereading(settings, tmp_path):
    # a wide table maps strictly; simulate a bulletin-style unmapped row by loading then editing
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    from etl.warehouse import open_staging, publish, writer_lock

    with writer_lock(settings.db):  # plant an unmapped statistic as a lenient source would store it
        con = open_staging(settings.db)
        con.execute(
            "INSERT INTO observations (series_id, subject, indicator, period_start, period_end, value, unit,"
            " value_as_written, unit_as_written, document_id, load_id) SELECT NULL, '全国', '锌产量',"
            " DATE '2024-01-01', DATE '2024-12-31', 7.0e6, 't', '700', '万吨', document_id, load_id FROM documents"
        )
        publish(con, settings.db)
    assert query(settings.db, "SELECT count(*) FROM v_unmapped").item() == 1
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        settings.catalog.read_text(encoding="utf-8")
        + '\n[[series]]\nid = "zinc_output"\nname_zh = "锌产量"\nname_en = "Zinc output"\nsubject = "全国"\n'
        'category = "output"\nunit = "t"\ndisplay_unit = "万吨"\nfrequency = "A"\nkind = "flow"\naliases = ["锌产量"]\n',
        encoding="utf-8",
    )
    result = run_load(Settings(**{**settings.__dict__, "catalog": catalog}))
    assert result.remapped == 1 and result.published_version == 3
    assert query(settings.db, "SELECT count(*) FROM v_unmapped").item() == 0
    assert query(settings.db, "SELECT value FROM v_observations WHERE series_id = 'zinc_output'").item() == 7.0e6


def test_an_edited_catalog_series_reaches_the_warehouse_though_unchanged_rows_are_not_rewritten(settings, tmp_path):
    # refresh_catalog skips the upsert when the rows' digest is the stored one (issue 17): an edit must
    # still change the digest, publish, and take effect; editing it back must too
    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    name = "SELECT name_en FROM series WHERE series_id = 'nf10_output'"
    original = query(settings.db, name).item()
    text = settings.catalog.read_text(encoding="utf-8")
    assert text.count(f'name_en = "{original}"') == 1
    catalog = tmp_path / "catalog.toml"
    edited = Settings(**{**settings.__dict__, "catalog": catalog})
    catalog.write_text(text.replace(f'name_en = "{original}"', 'name_en = "Ten metals, renamed"'), encoding="utf-8")
    assert run_load(edited).published_version == 2
    assert query(settings.db, name).item() == "Ten metals, renamed"
    assert run_load(edited).published_version is None  # nothing new, the same catalog: nothing to publish
    catalog.write_text(text, encoding="utf-8")
    assert run_load(edited).published_version == 3
    assert query(settings.db, name).item() == original


def test_refresh_catalog_rewrites_the_rows_after_a_migration_even_when_the_digest_matches(settings):
    from etl.catalog import load_catalog
    from etl.warehouse import discard_staging, open_staging, refresh_catalog, writer_lock

    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    catalog = load_catalog(settings.catalog)
    with writer_lock(settings.db):
        con = open_staging(settings.db)
        try:
            tamper = "UPDATE series SET name_en = 'stale' WHERE series_id = 'nf10_output'"
            con.execute(tamper)  # as a migration rewriting the table could leave it
            read = "SELECT name_en FROM series WHERE series_id = 'nf10_output'"
            refresh_catalog(con, catalog)
            assert con.execute(read).fetchone()[0] == "stale"  # same digest, no migration: skipped
            refresh_catalog(con, catalog, force=True)
            assert con.execute(read).fetchone()[0] == catalog.series["nf10_output"].name_en
        finally:
            discard_staging(con, settings.db)


def test_yoy_joins_on_calendar_keys_across_gaps_and_leap_years(settings):
    header = "series_id,period_start,period_end,value,unit,change_pct\n"
    rows = [
        "nf10_output_ytd,2024-01-01,2024-02-29,1000,万吨,",  # leap-year Jan-Feb
        "nf10_output_ytd,2025-01-01,2025-02-28,1100,万吨,9.8",
        "nf10_output,2021-01-01,2021-12-31,6000,万吨,",
        "nf10_output,2023-01-01,2023-12-31,7000,万吨,",  # 2022 missing: no comparison, not 2021
    ]
    (settings.inbox / "yoy.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    run_load(settings)
    yoy = query(settings.db, "SELECT series_id, period_end, value_prev_year, change_pct_computed, "
                "change_pct_published FROM v_yoy ORDER BY series_id, period_end")
    assert yoy.rows() == [
        ("nf10_output", date(2021, 12, 31), None, None, None),
        ("nf10_output", date(2023, 12, 31), None, None, None),
        ("nf10_output_ytd", date(2024, 2, 29), None, None, None),
        ("nf10_output_ytd", date(2025, 2, 28), 10_000_000.0, 10.0, 9.8),
    ]


def test_cli_exit_codes_and_one_line_errors(settings):
    env = {**warehouse_env(settings), "PULSE_INBOX": str(settings.inbox),
           "PULSE_QUARANTINE": str(settings.quarantine)}
    put(settings, "tables/long_utf8.csv")
    ok = run_pulse("load", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "published warehouse version 1" in ok.stderr
    put(settings, "tables/non_numeric_value.csv")
    bad = run_pulse("load", env=env)
    assert bad.returncode == 1
    assert "non_numeric_value.csv row 3: value 'abc' is not a number" in bad.stderr
    usage = run_pulse("load", "--no-such-flag", env=env)
    assert usage.returncode == 2
    missing_inbox = run_pulse("load", "--inbox", str(settings.inbox / "nope"), env=env)
    assert missing_inbox.returncode == 2 and missing_inbox.stderr.strip().count("\n") == 0
    status = run_pulse("status", env=env)
    assert status.returncode == 0 and "version 2" in status.stdout
    assert warehouse_info(settings.db).number == 2


def test_a_statistic_whose_unit_was_unknown_is_scaled_and_mapped_once_both_are_known(settings, tmp_path):
    """Kept with value null (unit unknown then), it gets its canonical value and series on a later load."""
    from etl.warehouse import open_staging, publish, writer_lock

    put(settings, "tables/long_utf8.csv")
    run_load(settings)
    with writer_lock(settings.db):  # as a lenient source stores a statistic in a unit it could not scale
        con = open_staging(settings.db)
        con.execute(
            "INSERT INTO observations (series_id, subject, indicator, period_start, period_end, value, unit,"
            " value_as_written, unit_as_written, document_id, load_id) SELECT NULL, '全国', '光伏装机',"
            " DATE '2024-01-01', DATE '2024-12-31', NULL, NULL, '2.5', '亿千瓦', document_id, load_id FROM documents"
        )
        publish(con, settings.db)
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        settings.catalog.read_text(encoding="utf-8")
        + '\n[[series]]\nid = "pv_capacity"\nname_zh = "光伏装机"\nname_en = "PV capacity"\nsubject = "全国"\n'
        'category = "output"\nunit = "kW"\ndisplay_unit = "亿千瓦"\nfrequency = "A"\nkind = "stock"\n'
        'aliases = ["光伏装机"]\n',
        encoding="utf-8",
    )
    result = run_load(Settings(**{**settings.__dict__, "catalog": catalog}))
    assert result.remapped == 1
    row = query(settings.db, "SELECT value, unit, display_value FROM v_observations WHERE series_id = 'pv_capacity'")
    assert row.rows() == [(2.5e8, "kW", 2.5)]
