"""The README's "Pull and deliver" examples are real configuration: they must parse."""

from __future__ import annotations

import re

from dashboard.deliver import parse_targets
from dashboard.deliver.scheduler import parse_schedules
from etl.fetch.config import load_sources
from etl.settings import load_settings
from etl.target import is_lake
from tests.conftest import ROOT


def _blocks(first_line: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```toml\n(.*?)```", readme, flags=re.S) if b.split("\n", 1)[0] == first_line]
    return block


def test_the_readme_sources_example_parses(tmp_path):
    (tmp_path / "sources.toml").write_text(_blocks("# data/sources.toml"), encoding="utf-8")
    sources, errors = load_sources(tmp_path / "sources.toml")
    assert errors == []
    assert [(s.name, s.kind) for s in sources] == [("nbs_releases", "page_list"), ("nbs_nonferrous_monthly", "json_table")]
    assert sources[0].link_pattern.search("https://www.stats.gov.cn/sj/zxfb/202511/t20251114_1961234.html")


def test_the_readme_targets_and_schedule_parse(tmp_path):
    (tmp_path / "pulse.toml").write_text(_blocks("# pulse.toml (top-level settings first, then the tables)"), encoding="utf-8")
    settings = load_settings(tmp_path / "pulse.toml")
    assert list(parse_targets(settings.target)) == ["ops-mail", "wecom-group", "ding-group", "bi-hook", "plant-folder"]
    [morning] = parse_schedules(settings.schedule)
    assert (morning.jobs, morning.targets) == (("fetch", "load", "brief"), ("ops-mail", "wecom-group"))


def test_the_readme_ducklake_settings_parse(tmp_path):
    (tmp_path / "pulse.toml").write_text(_blocks("# pulse.toml (a DuckLake warehouse)"), encoding="utf-8")
    settings = load_settings(tmp_path / "pulse.toml")
    assert (is_lake(settings.db), settings.data_path, settings.s3_url_style) == (True, "/shared/pulse/", "path")
