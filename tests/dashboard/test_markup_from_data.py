"""No markup from data, end to end: hostile robot, line, defect and series names (a plant name may hold only letters, digits and - _ . : the loader refuses the rest), a bulletin
title and quote loaded by the real pipeline; every page's figures and texts carry them only escaped."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from etl.pipeline import run_load
from tests.dashboard.conftest import CASES, app_test, texts
from tests.dashboard.test_safe_text import json_strings

PROJECT_CASES = CASES.parent
LINK = "<b>R</b><a href=https://evil.example/x>x</a>"
RAW = ("<img", "<a ", "<a>", "<b>r", "</a>", "<b>l", "<b>**")  # compared lower-case: defect codes are upper-cased
PAGES = ("screens/overview.py", "screens/explore.py", "screens/plant.py", "screens/sources.py")


@pytest.fixture
def hostile(settings, tmp_path, monkeypatch):
    """Reference subset + a plant log and a bulletin full of markup + a catalog naming a series with it."""
    catalog = tmp_path / "catalog.toml"
    text = (PROJECT_CASES.parent.parent / "data" / "catalog.toml").read_text(encoding="utf-8")
    catalog.write_text(text.replace('name_zh = "十种常用有色金属产量"\n', f'name_zh = "{LINK}"\n', 1)
                       .replace('name_en = "Output of ten common nonferrous metals"\n', f'name_en = "{LINK}"\n', 1),
                       encoding="utf-8")
    monkeypatch.setenv("PULSE_CATALOG", str(catalog))
    shutil.copy(CASES / "reference_subset.csv", settings.inbox / "reference_subset.csv")
    (settings.inbox / "plant").mkdir()
    shutil.copy(PROJECT_CASES / "plant" / "markup_in_robot_line_and_defect_names.csv", settings.inbox / "plant")
    shutil.copy(PROJECT_CASES / "bulletin" / "markup_in_title_and_quote.txt", settings.inbox)
    from etl.settings import load_settings

    result = run_load(load_settings(db=settings.db, inbox=settings.inbox, quarantine=settings.quarantine,
                                    catalog=catalog))
    assert result.exit_code == 0
    return settings


def figure_strings(at) -> list[str]:
    return [text for chart in at.get("plotly_chart") for text in json_strings(json.loads(chart.proto.spec))]


def leaks(strings: list[str]) -> list[str]:
    return [s for s in strings for raw in RAW if raw in s.lower()]


def markdown_leaks(lines: list[str]) -> list[str]:
    """Markdown source with one of the injected tags or the emphasis, not backslash-escaped."""
    return [line for line in lines if re.search(r"(?<!\\)<(?:b|a|img|/a|/b)[\s>]|(?<!\\)\*\*bold", line)]


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_markup_from_data(hostile, page: str) -> None:
    params = {"s": "nf10_output"} if page.endswith("explore.py") else {}
    at = app_test(page, **params).run()
    assert not at.exception
    strings = figure_strings(at)
    assert leaks(strings) == []
    assert markdown_leaks(texts(at).splitlines()) == []
    if page.endswith("plant.py"):  # the hostile names did reach the charts, escaped
        assert any("&lt;b&gt;L&lt;/b&gt;" in s for s in strings)
    if page.endswith("explore.py"):
        assert any("&lt;a href=https://evil.example/x&gt;" in s for s in strings)
