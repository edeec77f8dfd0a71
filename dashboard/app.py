"""Pulse dashboard entry point: `pulse serve` runs `streamlit run dashboard/app.py`.

Pages hold layout only; data access is dashboard/data.py, charts dashboard/charts.py.
The SQL and Briefing pages belong to their own issues; they join the navigation when present.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, ui, widget_text
from dashboard.i18n import t

PAGES_DIR = Path(__file__).parent / "screens"  # not pages/: that name means Streamlit's legacy multipage mode
# a file, not ":material/…:", which Streamlit turns into a favicon fetched from fonts.gstatic.com:
# plant networks often have no internet (tests/e2e: no page fetches anything from outside)
ICON = Path(__file__).parent / "static" / "icon.svg"

st.set_page_config(page_title="Pulse", page_icon=str(ICON), layout="wide")

lang = ui.lang()
who = auth.current()
if who.role is None:  # sign-in is on and nobody is signed in: the sign-in page is the only one
    st.navigation([st.Page(auth.signin_page, title=t("signin_title", lang), url_path="signin")]).run()
    st.stop()
pages = [
    st.Page(PAGES_DIR / "overview.py", title=t("page_overview", lang), icon=":material/dashboard:", url_path="overview", default=True),
    st.Page(PAGES_DIR / "explore.py", title=t("page_explore", lang), icon=":material/show_chart:", url_path="explore"),
    st.Page(PAGES_DIR / "plant.py", title=t("page_plant", lang), icon=":material/factory:", url_path="plant"),
    st.Page(PAGES_DIR / "sources.py", title=t("page_sources", lang), icon=":material/folder_open:", url_path="sources"),
]
for name, key, icon in (("sql", "page_sql", ":material/terminal:"), ("briefing", "page_briefing", ":material/image:")):
    if (PAGES_DIR / f"{name}.py").is_file() and auth.allows(who.role, name):  # the page guards itself too
        pages.append(st.Page(PAGES_DIR / f"{name}.py", title=t(key, lang), icon=icon, url_path=name))

navigation = st.navigation(pages)
widget_text.install(ui.lang())  # Streamlit's own widget texts in the page's language
st.sidebar.markdown(f"**{t('app_title', lang)}**")
ui.language_switch()
ui.version_caption(ui.lang())
auth.sidebar(who, ui.lang())
navigation.run()
