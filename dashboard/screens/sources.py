"""数据 Sources: upload into the inbox, run a load, and see what the warehouse holds and rejected."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import streamlit as st

from dashboard import auth, data, loading, ui
from dashboard.i18n import TEXT, t
from dashboard.safe_text import markdown_text
from dashboard.screens import audit as audit_view
from dashboard.screens import ops
from dashboard.screens.review import review_section
from dashboard.table_text import labelled

lang = ui.lang()
st.title(t("sources_title", lang))
settings = data.settings()


def version_header() -> None:
    version = data.warehouse_version(settings.db)
    c1, c2, c3 = st.columns(3)
    if version is None:
        st.info(t("no_warehouse", lang, path=settings.db))
        return
    meta = data.info(settings.db, version)
    ui.wrap_card_text()  # the publish time wraps instead of ending in "…"
    c1.metric(t("warehouse_version", lang), meta.get("version", "?"))
    c2.metric(t("published_at", lang), (meta.get("published_at") or "—")[:16].replace("T", " "))
    c3.metric(t("age", lang), ui.age_text(meta.get("published_at"), lang))
    st.caption(str(settings.db))


def last_load() -> None:
    """The outcome of the load this session ran, shown after the rerun that refreshed the header."""
    done = st.session_state.get("src_last_load")
    if not done:
        return
    st.success(done["summary"])
    if done["notices"]:
        st.caption(t("load_notices", lang))
        st.markdown("\n".join(f"- {n}" for n in done["notices"]))
    if done["outcomes"]:
        st.dataframe(labelled(pl.DataFrame(done["outcomes"]), lang), hide_index=True, width="stretch")


def upload_and_load() -> None:
    # A new key after each load empties the uploader, so a second click does not upload again.
    generation = st.session_state.setdefault("src_upload_generation", 0)
    files = st.file_uploader(t("upload", lang), accept_multiple_files=True, key=f"src_upload_{generation}",
                             type=list(loading.UPLOAD_TYPES))
    if files:
        saved = loading.save_uploads(settings, [(f.name, f.getvalue()) for f in files])
        auth.audit("upload", ", ".join(p.name for p in saved))
        st.success(t("saved_to_inbox", lang, files=", ".join(markdown_text(p.name) for p in saved)))
    if st.button(t("run_load", lang), type="primary", key="src_load"):
        auth.audit("load", str(settings.inbox))
        bar = st.progress(0.0, text=t("loading", lang))
        try:
            result = loading.run(settings, lambda message, done, total: bar.progress(
                min(1.0, done / total) if total else 0.0, text=f"{t('loading', lang)} {message}"))
        except Exception as exc:  # noqa: BLE001 - the user gets one sentence, the log the traceback
            loading.log.exception("load from the Sources page failed")
            st.error(t("load_failed", lang, error=markdown_text(ui.first_line(exc))))
            return
        st.session_state["src_last_load"] = {"summary": loading.summary(result, lang),
                                             "notices": loading.notices(result),
                                             "outcomes": loading.outcomes(result)}
        st.session_state["src_upload_generation"] = generation + 1
        st.rerun()  # the header above shows the version this load published
    last_load()


def source_tab(name: str, version: str | None) -> None:
    if version is None:
        st.caption(t("none", lang))
        return
    try:
        frame = data.source_table(settings.db, version, name)
    except duckdb.Error as exc:  # one tab failing says why and leaves the other tabs working
        st.error(t("query_failed", lang, error=ui.first_line(exc)))
        return
    if frame.is_empty():
        st.caption(t("none", lang))
    else:
        st.caption(f"{frame.height:,}")
        st.dataframe(labelled(frame, lang), hide_index=True, width="stretch")


def tables() -> None:
    version = data.warehouse_version(settings.db)
    tabs = st.tabs([t("documents", lang), t("loads_log", lang), t("rejects", lang), t("unmapped", lang),
                    t("dictionary", lang)])
    for tab, name in zip(tabs[:4], ("documents", "loads", "rejects", "unmapped"), strict=True):
        with tab:
            source_tab(name, version)
    with tabs[4]:
        dictionary_tab()


def dictionary_tab() -> None:
    """The data dictionary is an English reference for SQL users (docs/data-dictionary.md): shown
    whole in English; in Chinese each view with its Chinese summary, the document as a download."""
    dictionary = loading.data_dictionary()
    if not dictionary:
        st.caption(t("no_dictionary", lang))
        return
    if lang == "en":
        st.markdown(dictionary)
        return
    st.caption(t("dictionary_intro", lang))
    views = re.findall(r"^## (v_\w+)", dictionary, flags=re.M)
    rows = [{t("dictionary_view", lang): view,
             t("dictionary_about", lang): t(f"dict.{view}", lang) if f"dict.{view}" in TEXT
             else t("dictionary_untranslated", lang)} for view in views]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.download_button(t("dictionary_download", lang), dictionary, file_name="data-dictionary.md",
                       mime="text/markdown", key="src_dictionary_md")


with ui.friendly_errors(lang):
    version_header()
    if auth.may("load"):  # upload and load are for maintainers (and local use)
        upload_and_load()
    if auth.may("review"):
        review_section(settings, lang)  # held vintages: accept / reject (dashboard/screens/review.py)
    tables()
    audit_view.show(lang)
if auth.may("operations"):  # fetches, deliveries, alert firings (journal, not the warehouse): maintainers
    ops.recent_operations(settings.db, lang)
