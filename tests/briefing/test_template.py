"""Template loading and validation: every mistake is one line naming the file and the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard.briefing import available, load_template
from dashboard.briefing.template import BriefingError
from tests.briefing.conftest import write_template


def test_the_shipped_templates_load() -> None:
    names = [p.stem for p in available()]
    assert {"monthly_industry", "plant_quality"} <= set(names)
    monthly = load_template("monthly_industry")
    assert monthly.lang == "zh" and monthly.as_of is None
    assert sum(p.type == "chart" for p in monthly.panels) >= 6
    plant = load_template("plant_quality")
    views = " ".join(q.sql for q in plant.queries.values())
    for view in ("v_weld_daily", "v_weld_yield_chart", "v_gallium_batches", "v_gallium_ichart", "v_spc_alerts"):
        assert view in views


def test_a_template_by_path_and_overrides(tmp_path: Path) -> None:
    path = write_template(tmp_path / "mine.toml", "测试", as_of="2020-12-31", width=900)
    tpl = load_template(str(path)).with_overrides(lang="en", scale=1)
    assert (tpl.name, tpl.as_of, tpl.width, tpl.lang, tpl.scale) == ("mine", date(2020, 12, 31), 900, "en", 1)
    assert load_template(path).with_overrides(as_of=None).as_of is None


@pytest.mark.parametrize(("panels", "top", "message"), [
    ('[[panels]]\ntype = "kpi"\nseris = "x"\n', {}, r"bad\.toml: unknown key 'panels\[1\]\.seris'"),
    ("", {"width": "wide"}, r"bad\.toml: key 'width' must be a whole number"),
    ("", {"width": 100}, r"bad\.toml: key 'width' must be between 480 and 6000"),
    ("", {"as_of": "yesterday"}, r"bad\.toml: key 'as_of': 'yesterday' is not a date"),
    ("", {"lang": "fr"}, r"bad\.toml: key 'lang' must be one of zh, en"),
    ('[[panels]]\ntype = "chart"\nchart = "pchart"\n', {}, r"bad\.toml: key 'panels\[1\]\.query' is required"),
    ('[[panels]]\ntype = "kpi"\nquery = "nope"\n', {}, r"names 'nope', which is not under \[queries\]"),
    ('[[panels]]\ntype = "kpi"\nseries = "a"\nchange = "target"\n', {}, r"key 'panels\[1\]\.target' is required"),
    ('[queries.q]\nsql = "DELETE FROM series"\n[[panels]]\ntype = "kpi"\nquery = "q"\n', {},
     r"key 'queries\.q\.sql' must be one SELECT or WITH statement"),
])
def test_bad_templates_are_one_line_errors(tmp_path: Path, panels: str, top: dict, message: str) -> None:
    path = write_template(tmp_path / "bad.toml", "标题", panels, **top)
    with pytest.raises(BriefingError, match=message) as info:
        load_template(path)
    assert "\n" not in str(info.value)


def test_missing_title_and_unknown_name(tmp_path: Path) -> None:
    path = tmp_path / "untitled.toml"
    path.write_text('[[panels]]\ntype = "kpi"\nseries = "a"\n', encoding="utf-8")
    with pytest.raises(BriefingError, match=r"untitled\.toml: key 'title' is required"):
        load_template(path)
    with pytest.raises(BriefingError, match=r"no briefing template named 'nope'.*available: .*monthly_industry"):
        load_template("nope")
    broken = tmp_path / "broken.toml"
    broken.write_text("title = \n", encoding="utf-8")
    with pytest.raises(BriefingError, match=r"broken\.toml: not valid TOML"):
        load_template(broken)
