"""Render two briefings that differ only in their Chinese title (used under a font-less fontconfig).

usage: python -m tests.briefing._render_titles DB OUT_DIR TITLE_A TITLE_B [--no-font-check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from dashboard.briefing import load_template, render
from dashboard.briefing.export import Renderer
from tests.briefing.conftest import write_template


def main(db: str, out: str, *titles_and_flags: str) -> None:
    titles = [t for t in titles_and_flags if not t.startswith("--")]
    renderer = Renderer(check_font="--no-font-check" not in titles_and_flags)
    try:
        for i, title in enumerate(titles):
            path = write_template(Path(out) / f"title{i}.toml", title, width=800, scale=1, columns=3)
            (Path(out) / f"title{i}.png").write_bytes(render(Path(db), load_template(path), renderer).png)
    finally:
        renderer.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
