"""One warehouse (the bundled reference history) and one Chromium shared by the briefing tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dashboard.briefing.export import Renderer
from etl.pipeline import run_load
from etl.settings import Settings, load_settings
from tests.conftest import ROOT

NO_CJK_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A real warehouse loaded by the real pipeline from the bundled reference history."""
    base = tmp_path_factory.mktemp("briefing-warehouse")
    inbox = base / "inbox"
    shutil.copytree(ROOT / "data" / "inbox" / "reference", inbox / "reference")
    settings = load_settings(db=base / "warehouse" / "pulse.duckdb", inbox=inbox, quarantine=base / "quarantine")
    run_load(settings)
    return settings


CASES = ROOT / "tests" / "cases" / "briefing"
BULLETIN_PUBLISHED = date(2026, 1, 20)


def load_case(base: Path, case: str, published: date | None = None) -> Settings:
    inbox = base / "inbox"
    shutil.copytree(CASES / case, inbox)
    settings = load_settings(db=base / "w" / "pulse.duckdb", inbox=inbox, quarantine=base / "q")
    run_load(settings, published=published)
    return settings


@pytest.fixture(scope="session")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Ten simulated days (21–30 Sep 2025); the last control-chart alert is on the 25th."""
    return load_case(tmp_path_factory.mktemp("plant"), "plant_last_alert_before_last_day")


@pytest.fixture(scope="session")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Loans to end-2025, copper prices to 2022 plus one monthly 2026 row no panel shows (the
    template's copper panels are annual), and a dated bulletin that names no publisher."""
    return load_case(tmp_path_factory.mktemp("monthly"), "monthly_newest_row_not_shown", BULLETIN_PUBLISHED)


@pytest.fixture(scope="session")
def renderer() -> Iterator[Renderer]:
    r = Renderer()
    yield r
    r.close()


def fontconfig_without(tmp: Path, fonts_dir: Path) -> Path:
    """A fontconfig file whose only font folder is `fonts_dir` (so no system CJK font is visible)."""
    conf = tmp / "fonts.conf"
    (tmp / "cache").mkdir(exist_ok=True)
    conf.write_text(NO_CJK_FONTS_CONF.format(fonts=fonts_dir, cache=tmp / "cache"), encoding="utf-8")
    return conf


def write_template(path: Path, title: str, panels: str = "", **top: object) -> Path:
    """A small template file: the title, a KPI tile and a chart unless `panels` is given."""
    lines = [f'title = "{title}"'] + [f"{k} = {v!r}".replace("'", '"') for k, v in top.items()]
    body = panels or """
[[panels]]
type = "kpi"
series = "nf10_output"

[[panels]]
type = "chart"
series = ["nf10_output", "refined_copper_output"]
period = "A"
span = 3
"""
    path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return path
