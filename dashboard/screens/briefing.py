"""简报 Briefing: choose a template, preview the one-page PNG, download it. Layout only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from dashboard import auth, data, ui
from dashboard.briefing import available, load_template, render
from dashboard.briefing.export import shared_renderer
from dashboard.i18n import format_period, pick
from etl.errors import PulseError

TEXT = {
    "title": ("PNG 简报", "PNG briefings"),
    "intro": ("一页图片简报,可直接发到报告和工作群。与命令 `pulse brief` 输出相同。",
              "One-page image briefings for reports and chat groups, the same as `pulse brief`."),
    "template": ("简报模板", "Template"),
    "as_of": ("数据截至", "Data as of"),
    "latest": ("最新", "Latest"),
    "date": ("指定日期", "A date"),
    "width": ("宽度(像素)", "Width (px)"),
    "scale": ("清晰度(倍)", "Scale"),
    "render": ("生成预览", "Render preview"),
    "rendering": ("正在生成(首次需启动浏览器,约数秒)……", "Rendering (the first one starts the browser)…"),
    "download": ("下载 PNG", "Download PNG"),
    "none": ("data/briefings/ 中没有模板。", "No templates in data/briefings/."),
    "size": ("{w}×{h} 像素 · 数据截至 {as_of}", "{w}×{h} px · data as of {as_of}"),
}


def tr(key: str, lang: str, **kwargs: object) -> str:
    return pick(TEXT[key], lang, **kwargs)


@st.cache_data(show_spinner=False, max_entries=16)
def briefing_png(db: Path, version: str, template: str, mtime: float, as_of: date | None, lang: str,
                 width: int, scale: float) -> tuple[bytes, int, int, str]:
    """Cached by warehouse version and the template file's mtime: a new load or an edit re-renders."""
    tpl = load_template(template).with_overrides(as_of=as_of, lang=lang, width=width, scale=scale)
    out = render(db, tpl, shared_renderer(), max_points=data.settings().max_points)
    return out.png, out.width, out.height, out.as_of.isoformat() if out.as_of else "—"


auth.require("briefing")
lang = ui.lang()
st.title(tr("title", lang))
st.caption(tr("intro", lang))
db, version = ui.warehouse(lang)
templates = available()
if not templates:
    st.info(tr("none", lang))
    st.stop()

left, middle, right = st.columns([2, 2, 1])
chosen = left.selectbox(tr("template", lang), templates, placeholder=tr("template", lang), format_func=lambda p: load_template(p).text("title", lang))
mode = middle.radio(tr("as_of", lang), (tr("latest", lang), tr("date", lang)), horizontal=True)
# a month end the data has, not a calendar (Streamlit's date picker speaks English only)
as_of = middle.selectbox(tr("date", lang), data.month_ends(db, version), label_visibility="collapsed",
                         format_func=lambda d: format_period(d, d, lang), placeholder=tr("date", lang)) \
    if mode == tr("date", lang) else None
width = right.selectbox(tr("width", lang), (1600, 1280, 1080, 2000), index=0)
scale = right.selectbox(tr("scale", lang), (2.0, 1.0, 3.0), index=0)

if st.button(tr("render", lang), type="primary") or "briefing_png" in st.session_state:
    try:
        with st.spinner(tr("rendering", lang)):
            png, w, h, shown = briefing_png(db, version, str(chosen), Path(chosen).stat().st_mtime, as_of, lang,
                                            int(width), float(scale))
    except PulseError as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["briefing_png"] = True
    st.download_button(tr("download", lang), png, file_name=f"{Path(chosen).stem}_{shown}_{lang}.png",
                       mime="image/png", icon="⬇️")
    st.caption(tr("size", lang, w=w, h=h, as_of=shown))
    st.image(png, width="stretch")
