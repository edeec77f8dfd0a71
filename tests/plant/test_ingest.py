"""Plant logs through `pulse load`: Parquet layout, idempotent re-load, late files, drill-down, contract."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date

import duckdb

from etl.plant.telemetry import weld_rows
from etl.read import connect_readonly
from tests.plant.conftest import CASES, load, rows


def sha16(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_good_rows_land_in_hive_partitions_named_after_the_load_and_file(settings):
    result = load(settings, CASES / "welds_clean.csv", CASES / "batches_clean.csv")
    parts = sorted(p.relative_to(settings.telemetry_dir).as_posix() for p in settings.telemetry_dir.rglob("*.parquet"))
    weld, ga, load_id = sha16(CASES / "welds_clean.csv"), sha16(CASES / "batches_clean.csv"), result.load_id
    assert parts == [
        f"gallium/plant=alumina1/date=2025-03-01/part-{load_id}-{ga}.parquet",
        f"gallium/plant=alumina1/date=2025-03-02/part-{load_id}-{ga}.parquet",
        f"weld/plant=smelter1/date=2025-03-01/part-{load_id}-{weld}.parquet",
    ]
    # exactly these parts are listed by the published warehouse, with their row counts
    assert rows(settings, "SELECT path, rows FROM telemetry_parts ORDER BY path") == [
        (f"telemetry/{p}", n) for p, n in zip(parts, (4, 4, 10), strict=True)]
    assert not (settings.telemetry_dir / ".spill").exists()
    assert rows(settings, "SELECT kind, simulated FROM documents ORDER BY file_name") == [
        ("plant_log", True), ("plant_log", True)]


def test_loading_the_same_file_again_changes_nothing(settings):
    load(settings, CASES / "welds_clean.csv")
    again = load(settings, CASES / "welds_clean.csv")
    assert [f.status for f in again.files] == ["skipped"]
    assert rows(settings, "SELECT sum(welds) FROM v_weld_daily") == [(10,)]


def test_a_renamed_copy_is_quarantined_as_already_loaded(settings, tmp_path):
    load(settings, CASES / "welds_clean.csv")
    copy = tmp_path / "welds_exported_again.csv"
    copy.write_bytes((CASES / "welds_clean.csv").read_bytes() + b"\n")  # another sha256, the same welds
    result = load(settings, copy)
    assert [(f.status, f.error) for f in result.files if f.path.name == copy.name] == [(
        "rejected",
        "welds_exported_again.csv: 10 of 10 rows are bad (e.g. row 2: weld_id W1-20250301-R5-000000 is "
        "already loaded from welds_clean.csv); the whole file is quarantined — "
        "fix the export and load it again.",
    )]
    assert rows(settings, "SELECT sum(welds) FROM v_weld_daily") == [(10,)]


def test_a_late_file_for_an_old_day_updates_that_days_kpis(settings):
    load(settings, CASES / "welds_clean.csv", CASES / "batches_clean.csv")
    before = rows(settings, "SELECT value, quote FROM v_observations WHERE series_id = 'plant_w1_welds_d'")
    load(settings, CASES / "late_welds_for_2025-03-01.csv")
    after = rows(settings, "SELECT value, quote, vintages FROM v_observations WHERE series_id = 'plant_w1_welds_d'")
    assert before == [(10.0, "10 welds")]
    assert after == [(30.0, "30 welds", 2)]
    assert rows(settings, "SELECT sum(welds), count(DISTINCT robot) FROM v_weld_daily WHERE day = '2025-03-01'") == [
        (30, 6)]
    assert rows(settings, "SELECT count(*) FROM observations WHERE series_id = 'plant_w1_welds_d'") == [(2,)]


def test_kpi_series_values_are_exact(settings):
    load(settings, CASES / "batches_clean.csv")
    got = rows(settings, "SELECT series_id, period_start, value_as_written, unit FROM v_observations "
                         "WHERE series_id LIKE 'plant_ga1%' ORDER BY 1, 2")
    # day 1: in 67.146 + 66.312 + 62.133 + 64.849 = 260.44 kg, recovered 56.835 + 57.1 + 52.233 + 55.132 = 221.3
    assert got[0] == ("plant_ga1_batches_d", date(2025, 3, 1), "4", "count")
    assert got[2] == ("plant_ga1_recovered_d", date(2025, 3, 1), "221.3000", "kg")
    assert got[4] == ("plant_ga1_recovery_d", date(2025, 3, 1), "84.9716", "%")  # 100 * 221.3 / 260.44


def test_drill_down_reads_one_day_one_robot(settings):
    load(settings, CASES / "welds_clean.csv", CASES / "chinese_headers.csv", CASES / "late_welds_for_2025-03-01.csv")
    con = connect_readonly(settings.db)
    try:
        one = weld_rows(con, date(2025, 3, 1), line="W1", robot="R1")
        assert one["weld_id"].to_list() == ["W1-20250301-R1-000000", "W1-20250301-R1-000001",
                                            "W1-20250301-R1-000002", "W1-20250301-R1-000003",
                                            "W1-20250301-R1-000004"]
        assert one["date"].unique().to_list() == [date(2025, 3, 1)]
        assert weld_rows(con, date(2025, 3, 3)).height == 10
        assert weld_rows(con, date(2024, 1, 1)).is_empty()
        raw = con.execute("SELECT count(*) FROM welds_raw() WHERE date = DATE '2025-03-03'").fetchone()
        assert raw == (10,)
    finally:
        con.close()


def test_the_views_keep_the_contract_names_and_types(settings):
    load(settings, CASES / "welds_clean.csv", CASES / "batches_clean.csv")
    con = connect_readonly(settings.db)

    def cols(view: str) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {view}").fetchall()]

    try:
        assert cols("v_weld_daily")[:11] == [
            ("day", "DATE"), ("plant", "VARCHAR"), ("line", "VARCHAR"), ("robot", "VARCHAR"), ("welds", "BIGINT"),
            ("passed", "BIGINT"), ("first_pass_yield_pct", "DOUBLE"), ("vdrop_p50_mv", "DOUBLE"),
            ("vdrop_p95_mv", "DOUBLE"), ("vdrop_p99_mv", "DOUBLE"), ("current_mean_a", "DOUBLE")]
        assert ("simulated", "BOOLEAN") in cols("v_weld_daily")
        assert [c for c, _ in cols("v_weld_pchart")][:10] == [
            "day", "plant", "line", "robot", "n", "p_pct", "center_pct", "lcl_pct", "ucl_pct", "out_of_control"]
        assert [c for c, _ in cols("v_gallium_batches")][:12] == [
            "batch_id", "plant", "line", "started_at", "ended_at", "day", "liquor_m3", "gallium_in_kg",
            "gallium_recovered_kg", "recovery_pct", "duration_h", "simulated"]
        assert [c for c, _ in cols("v_gallium_ichart")][:9] == [
            "batch_id", "started_at", "recovery_pct", "center_pct", "lcl_pct", "ucl_pct", "mr", "mr_ucl",
            "out_of_control"]
        assert [c for c, _ in cols("v_spc_alerts")] == [
            "series_id", "chart", "rule", "period_start", "period_end", "subject", "value", "limit", "center",
            "detail"]
        assert [c for c, _ in cols("v_weld_defects")] == [
            "day", "plant", "line", "robot", "defect_code", "defect_name", "welds"]
        assert ("shift", "VARCHAR") in cols("v_weld_shift")
    finally:
        con.close()


def test_kpi_views_work_with_external_access_off(settings):
    load(settings, CASES / "welds_clean.csv")
    con = connect_readonly(settings.db)
    try:
        con.execute("SET enable_external_access = false")
        assert con.execute("SELECT sum(welds) FROM v_weld_daily").fetchone() == (10,)
        assert con.execute("SELECT count(*) FROM v_spc_alerts").fetchone() is not None
        try:
            con.execute("SELECT count(*) FROM welds_raw()").fetchone()
            raise AssertionError("raw Parquet must not be readable with external access off")
        except duckdb.PermissionException:
            pass
    finally:
        con.close()
    shutil.rmtree(settings.telemetry_dir)


def test_every_plant_view_and_column_is_in_the_data_dictionary(bare):
    import re

    from tests.conftest import ROOT

    views = {r[0] for r in bare.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    plant_views = {v for v in views if v.startswith(("v_weld", "v_gallium", "v_spc"))}
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (v_\w+)", text, flags=re.M))
    assert plant_views <= documented
    for view in plant_views:
        section = text.split(f"## {view}\n", 1)[1].split("\n## ", 1)[0]
        columns = {r[0] for r in bare.execute(f"DESCRIBE {view}").fetchall()}
        assert columns == set(re.findall(r"^\| (\w+) \|", section, flags=re.M)) - {"column"}, view
