"""Real renders with the system Chromium: sizes, not blank, Chinese glyphs not tofu, identical output,
and the one-line errors when the font or the browser is missing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from dashboard.briefing import load_template, render
from dashboard.briefing.compose import MARGIN
from dashboard.briefing.export import BrowserMissing, FontMissing, Renderer, check_cjk_font, find_browser
from etl.settings import Settings
from tests.briefing.conftest import fontconfig_without, write_template
from tests.conftest import ROOT, run_pulse

TITLE_A, TITLE_B = "有色金属月报", "铜铝锌镓快报"  # same length, different characters


def image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def assert_not_blank(img: Image.Image) -> None:
    colors = img.getcolors(maxcolors=1 << 22) or []
    assert len(colors) > 200, "the page has almost no distinct colours"
    background = max(colors)[1]
    diff = ImageChops.difference(img, Image.new("RGB", img.size, background)).convert("L")
    inked = sum(diff.point(lambda v: 255 if v > 24 else 0).histogram()[255:])
    assert inked > 0.05 * img.width * img.height


def title_region(img: Image.Image) -> Image.Image:
    """The header's title: 6 characters of 32 px from the left margin."""
    return img.crop((MARGIN - 4, 20, MARGIN + 6 * 32 + 24, 74))


@pytest.mark.browser
@pytest.mark.parametrize(("name", "width", "scale"), [("monthly_industry", 1000, 1.0), ("plant_quality", 1200, 1.5)])
def test_each_template_renders_the_requested_size(warehouse: Settings, renderer: Renderer, name: str,
                                                  width: int, scale: float) -> None:
    tpl = load_template(name).with_overrides(width=width, scale=scale)
    briefing = render(warehouse.db, tpl, renderer)
    img = image(briefing.png)
    assert img.size == (round(width * scale), round(tpl.height * scale)) == (briefing.width, briefing.height)
    assert_not_blank(img)


@pytest.mark.browser
def test_same_template_as_of_and_warehouse_give_identical_png(warehouse: Settings, renderer: Renderer) -> None:
    tpl = load_template("monthly_industry").with_overrides(scale=1, as_of=None)
    first = render(warehouse.db, tpl, renderer).png
    second = render(warehouse.db, load_template("monthly_industry").with_overrides(scale=1, as_of=None), renderer).png
    assert first == second


@pytest.mark.browser
def test_chinese_title_renders_glyphs_not_tofu(warehouse: Settings, renderer: Renderer, tmp_path: Path) -> None:
    regions = []
    for i, title in enumerate((TITLE_A, TITLE_B)):
        tpl = load_template(write_template(tmp_path / f"t{i}.toml", title, width=800, scale=1, columns=3))
        regions.append(title_region(image(render(warehouse.db, tpl, renderer).png)))
    assert ImageChops.difference(*regions).getbbox() is not None, "two different titles look the same: tofu"
    # Each of the six characters has its own shape.
    cells = {title_region_cell(regions[0], i).tobytes() for i in range(6)}
    assert len(cells) == 6


def title_region_cell(region: Image.Image, i: int) -> Image.Image:
    return region.crop((4 + i * 32, 0, 4 + (i + 1) * 32, region.height)).convert("L").point(lambda v: v > 128 and 255)


@pytest.mark.browser
@pytest.mark.slow
def test_the_tofu_check_can_fail(warehouse: Settings, tmp_path: Path) -> None:
    """Control: with no CJK font visible, both titles are the same row of boxes (what the test above rejects)."""
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_without(tmp_path, Path("/usr/share/fonts/truetype/dejavu")))}
    subprocess.run([sys.executable, "-m", "tests.briefing._render_titles", str(warehouse.db), str(tmp_path),
                    TITLE_A, TITLE_B, "--no-font-check"], check=True, cwd=ROOT, env=env, timeout=240)
    a, b = (title_region(Image.open(tmp_path / f"title{i}.png").convert("RGB")) for i in (0, 1))
    low, high = a.convert("L").getextrema()
    assert high - low > 100, "the title was not drawn at all"
    assert ImageChops.difference(a, b).getbbox() is None


def test_missing_cjk_font_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv("FONTCONFIG_FILE", str(fontconfig_without(tmp_path, empty)))
    with pytest.raises(FontMissing, match=r"^no Chinese \(CJK\) font is installed.*install fonts-noto-cjk"):
        check_cjk_font()
    with pytest.raises(FontMissing, match="fonts-noto-cjk"):
        Renderer()


def test_missing_browser_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BrowserMissing, match=r"no browser at --browser=/nonexistent/chrome; install Chromium .*"
                                             r"plotly_get_chrome"):
        Renderer(browser="/nonexistent/chrome")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chrome"))
    with pytest.raises(BrowserMissing, match=r"no browser at BROWSER_PATH="):
        find_browser()
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    try:
        found = find_browser()
    except BrowserMissing as exc:
        assert "\n" not in str(exc)
        assert "apt install chromium" in str(exc) and "plotly_get_chrome" in str(exc)
    else:
        pytest.skip(f"a kaleido-downloaded Chrome exists ({found})")


@pytest.mark.browser
def test_pulse_brief_command(warehouse: Settings, tmp_path: Path) -> None:
    out = tmp_path / "plant.png"
    done = run_pulse("brief", "plant_quality", "--out", str(out), "--db", str(warehouse.db), "--width", "900",
                     "--scale", "1", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert image(out.read_bytes()).size == (900, 1400)
    assert "plant_quality, 900x1400 px" in done.stdout


def test_pulse_brief_errors(warehouse: Settings, tmp_path: Path) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = fontconfig_without(tmp_path, empty)
    done = run_pulse("brief", "monthly_industry", "--out", str(tmp_path / "x.png"), "--db", str(warehouse.db),
                     env={"FONTCONFIG_FILE": str(conf), "PATH": os.environ["PATH"]})
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "fonts-noto-cjk" in done.stderr
    done = run_pulse("brief", "monthly_industry", "--out", str(tmp_path / "x.png"), "--db", str(warehouse.db),
                     "--as-of", "last spring")
    assert done.returncode == 1 and "--as-of: 'last spring' is not a date" in done.stderr
    done = run_pulse("brief", "monthly_industry", "--out", str(tmp_path / "x.png"), "--db", str(warehouse.db),
                     "--browser", "/nonexistent/chrome")
    assert done.returncode == 1 and "plotly_get_chrome" in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "x.png").exists()
