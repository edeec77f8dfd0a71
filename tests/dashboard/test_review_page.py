"""The Review section of the Sources page: a held figure is listed with its reason and decided by a button."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from etl.pipeline import run_load
from etl.read import query
from etl.settings import PROJECT_ROOT
from tests.dashboard.conftest import app_test, texts

CASES = PROJECT_ROOT / "tests" / "cases" / "review"


@pytest.fixture
def held(settings):
    """The bundled inbox, then a bulletin whose 2023 innovation index conflicts with the stored one."""
    shutil.copytree(PROJECT_ROOT / "data" / "inbox", settings.inbox, dirs_exist_ok=True)
    run_load(settings)
    shutil.copy(CASES / "conflicting_figure.txt", settings.inbox)
    run_load(settings, published=date(2025, 11, 20))
    review_id = query(settings.db, "SELECT review_id FROM v_conflicts WHERE series_id = 'cii_2015base'").item()
    return settings, review_id


@pytest.mark.parametrize(("button", "value", "word"), [("接受", 170.0, "接受"), ("拒绝", 165.3, "拒绝")])
def test_a_button_decides_a_held_figure_and_the_page_says_so(held, button, value, word):
    settings, review_id = held
    at = app_test("screens/sources.py").run()
    assert not at.exception
    assert "与当前值 165.3(驻马店日报)冲突:+2.84 %(容差 0.5 %)" in texts(at)  # etl's reason, worded in Chinese
    [target] = [b for b in at.button if b.label == f"{button} #{review_id}"]
    at = target.click().run()
    assert not at.exception
    version = query(settings.db, "SELECT value FROM warehouse_info WHERE key = 'version'").item()
    assert [s.value for s in at.success] == [f"#{review_id} 已{word}(操作人 local),数据版本 {version}。"]
    assert query(settings.db, "SELECT value FROM v_observations WHERE series_id = 'cii_2015base' "
                              "AND period_end = DATE '2023-12-31'").item() == value
    assert not [b for b in at.button if b.label.endswith(f"#{review_id}")]  # decided: no longer listed


def test_every_sources_table_reads(held):
    """Each tab of the Sources page shows its table (the rejects query once named a missing column)."""
    at = app_test("screens/sources.py").run()
    assert not at.exception
    assert [w.value for w in at.warning] == []
