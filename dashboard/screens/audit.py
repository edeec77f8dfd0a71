"""The audit trail on the Sources page: who loaded, uploaded, reviewed or queried, and when.

Maintainers only; rows come from the operations journal (etl/journal.py, table `audit`).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, data
from dashboard.i18n import t
from dashboard.table_text import labelled
from etl import journal

SHOWN = 500  # newest rows; the journal keeps them all


def show(lang: str) -> None:
    if not auth.may("audit"):
        return
    st.subheader(t("audit_title", lang))
    rows = journal.recent(data.settings().db, "audit", limit=SHOWN)
    if not rows:
        st.caption(t("audit_none", lang))
        return
    frame = pl.DataFrame(rows).select("at", "user", "action", "detail")
    st.dataframe(labelled(frame, lang), hide_index=True, width="stretch", key="audit_table")
