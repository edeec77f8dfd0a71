"""The Review section of the Sources page: held vintages with their reasons, accept/reject buttons,
past decisions, and where published and computed changes disagree (v_change_check)."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from dashboard.i18n import format_period, t
from dashboard.table_text import hold_reason_text, labelled
from etl import review
from etl.errors import PulseError
from etl.settings import Settings


def current_user() -> str:
    """The signed-in user where the app has sign-in, else "local" (as on the CLI)."""
    try:
        email = st.user.get("email") if st.user.is_logged_in else None
    except (AttributeError, KeyError, RuntimeError):
        email = None
    return email or "local"


def _decide(settings: Settings, review_id: int, action: str, lang: str) -> None:
    auth.require("review")  # maintainers only, whatever the session says
    try:
        done = review.decide(settings, review_id, action, current_user())
    except PulseError as exc:
        st.error(t("review_failed", lang, error=str(exc)))
        return
    # the list above was read before the decision: show the outcome on a fresh run of the page
    st.session_state["review_message"] = t("review_done", lang, id=done.review_id, decision=t(done.decision, lang),
                                           user=done.decided_by, version=done.published_version)
    st.rerun()


def _held_item(settings: Settings, row: dict, lang: str) -> None:
    with st.container(border=True):
        now = row["current_value"]
        period = format_period(row["period_start"], row["period_end"], lang)
        st.markdown(f"**#{row['review_id']} · {row['name_zh'] if lang != 'en' else row['name_en']} · "
                    f"{period}** — {row['held_value']:g}{row['display_unit']}"
                    + (f" ({now:g}{row['display_unit']})" if now is not None else ""))
        st.caption(hold_reason_text(row["reason"], lang))
        source = ", ".join(str(x) for x in (row["publisher"], row["published"], row["source_link"]) if x)
        if source:
            st.caption(source)
        left, right = st.columns(2)
        if left.button(t("review_accept", lang, id=row["review_id"]), key=f"accept_{row['review_id']}"):
            _decide(settings, row["review_id"], "accept", lang)
        if right.button(t("review_reject", lang, id=row["review_id"]), key=f"reject_{row['review_id']}"):
            _decide(settings, row["review_id"], "reject", lang)


def review_section(settings: Settings, lang: str) -> None:
    st.subheader(t("review_title", lang))
    st.caption(t("review_intro", lang))
    if message := st.session_state.pop("review_message", None):
        st.success(message)
    version = data.warehouse_version(settings.db)
    if version is None or "v_conflicts" not in data.relations(settings.db, version):
        st.caption(t("review_none", lang))
        return
    held = data.source_table(settings.db, version, "conflicts")
    if held.is_empty():
        st.caption(t("review_none", lang))
    for row in held.iter_rows(named=True):
        _held_item(settings, row, lang)
    for name, title in (("decisions", "review_decisions"), ("change_check", "change_check")):
        frame = data.source_table(settings.db, version, name)
        if not frame.is_empty():
            with st.expander(f"{t(title, lang)} · {frame.height}"):
                st.dataframe(labelled(frame, lang), hide_index=True, width="stretch")
