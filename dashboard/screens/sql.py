"""SQL 查询 · Ad hoc SQL: layout only; the sandbox and helpers live in dashboard.sql.

Joins dashboard/app.py's navigation by being here (screens/sql.py); runs on its own too:
`streamlit run dashboard/screens/sql.py` with PULSE_DB pointing at a warehouse. Every label comes
from dashboard/i18n.py in the interface language (ui.lang()).

The editor is Ace (streamlit-code-editor, its frontend bundled in the wheel, so it works offline):
SQL highlighting and completion of the warehouse's table and column names. The query text lives in
st.session_state["sql_text"]; a plain text area under it edits the same text (keyboard-only and
screen-reader users, pasting, and AppTest, which cannot type into a component).
"""

from __future__ import annotations

import streamlit as st
from code_editor import code_editor
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import auth, ui
from dashboard.i18n import t
from dashboard.sql.checks import check_sql
from dashboard.sql.errors import SqlError, SqlRefused
from dashboard.sql.output import to_csv, to_parquet
from dashboard.sql.page import (
    CHART_KINDS,
    chart_columns,
    completions,
    date_columns,
    from_url,
    quick_chart,
    url_state,
)
from dashboard.sql.running import RUNNING, QueryBusy
from dashboard.sql.sandbox import SandboxLimits, SqlResult, run_query, timeout_choices
from dashboard.sql.saved import EXAMPLES, SavedQuery, in_lang, load_saved
from dashboard.sql.schema import warehouse_schema
from dashboard.sql.worker import SERVER
from etl.errors import PulseError
from etl.read import warehouse_version
from etl.settings import load_settings

auth.require("sql")  # analysts and maintainers only, whatever the URL or session state says
settings = load_settings()
DB = settings.db
APP_LIMITS = SandboxLimits.for_app(settings)
TIMEOUTS = timeout_choices(settings)
SAVED = {s.name: s for s in load_saved()}
STATEMENTS = " / ".join(f"`{w}`" for w in ("SELECT", "WITH", "VALUES", "DESCRIBE", "SHOW", "SUMMARIZE", "EXPLAIN"))
state = st.session_state
lang = ui.lang()
SERVER.ensure_started()  # the fork server imports DuckDB once; the first Run need not wait for it


def session_key() -> str:
    """The signed-in user if there is one (all their tabs share one slot), else this browser session."""
    try:
        if st.user.is_logged_in:
            return f"user:{st.user.get('email') or st.user.get('sub')}"
    except Exception:  # noqa: BLE001 - no auth configured: st.user has nothing to say
        pass
    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id if ctx else 'local'}"


def limits(download: bool = False) -> SandboxLimits:
    """This run's limits: the time chosen in the selector, held to sql_timeout_cap server-side."""
    chosen = state.get("sql_timeout")
    maker = SandboxLimits.for_download if download else SandboxLimits.for_app
    return maker(settings, float(chosen) if chosen is not None else None)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_schema(db: str, version: str | None) -> list:
    return warehouse_schema(DB.__class__(db))


def schema() -> list:
    try:
        return cached_schema(str(DB), warehouse_version(DB))
    except PulseError:
        return []


def param_names(sql: str) -> tuple[str, ...]:
    try:
        return check_sql(sql).params
    except PulseError:
        return ()


def opened() -> SavedQuery | None:
    return SAVED.get(state.get("saved_name", ""))


def param_label(name: str) -> str:
    saved = opened()
    labels = {p.name: in_lang(p.label, lang) for p in saved.params} if saved else {}
    return f":{name} — {labels[name]}" if labels.get(name) and labels[name] != name else f":{name}"


def use_text(sql: str, saved_name: str = "") -> None:
    state.sql_text = sql
    state.saved_name = saved_name
    state.editor_rev = state.get("editor_rev", 0) + 1  # the editor remounts with the new text
    saved = opened()
    for p in saved.params if saved else ():
        state[f"param_{p.name}"] = p.default


def text_area_changed() -> None:
    state.editor_rev = state.get("editor_rev", 0) + 1


def current() -> tuple[str, dict[str, str]]:
    """The editor's text and its parameter values as they are now (callbacks must not use stale args)."""
    sql = state.get("sql_text", "")
    return sql, {n: state.get(f"param_{n}", "") for n in param_names(sql)}


def run() -> None:
    sql, params = current()
    if not auth.may("sql"):  # callbacks run before the page's guard: refuse here too
        return
    state.pop("from_link", None)
    auth.audit("sql", sql)
    try:
        with RUNNING.slot(session_key()):
            state.pop("download", None)
            state.result, state.error = run_query(DB, sql, params, limits()), None
        saved = opened()
        st.query_params.from_dict(url_state(sql, params, saved.name if saved and saved.sql == sql else ""))
    except QueryBusy:
        state.busy = True
    except (SqlRefused, SqlError, PulseError) as exc:
        state.result, state.error = None, exc


def prepare_download() -> None:
    sql, params = current()
    if not auth.may("sql"):
        return
    auth.audit("sql", f"download: {sql}")
    try:
        with RUNNING.slot(session_key()):
            full = run_query(DB, sql, params, limits(download=True))
        state.download = (to_csv(full), to_parquet(full), full.row_count, full.truncated)
    except QueryBusy:
        state.busy = True
    except PulseError as exc:
        state.error = exc


def chart_for(result: SqlResult, frame, x: str, ys: list[str], kind: str):
    """The quick chart, built once per result and choice: Plotly Express took ~0.1 s of every rerun."""
    choice = (x, tuple(ys), kind)
    cached = state.get("chart_cache")
    if cached is None or cached[0] is not result or cached[1] != choice:
        cached = state.chart_cache = (result, choice, quick_chart(frame, x, ys, kind))
    return cached[2]


def first_visit() -> None:
    """A query in the URL fills the editor (with its saved query's labels); it runs only on Run.
    A link must not make the server work: anyone can send one, and it would run on every open."""
    url_sql, url_params, url_saved = from_url(st.query_params.to_dict())
    state.sql_text = url_sql or EXAMPLES[next(iter(EXAMPLES))]
    if url_saved in SAVED:
        state.saved_name = state.saved_pick = url_saved
    for key, value in url_params.items():
        state[f"param_{key}"] = value
    if url_sql:
        state.from_link = True


def editor() -> None:
    """The Ace editor; its text replaces sql_text when it sends one (on blur, Ctrl+Enter or its Run)."""
    words = {"view": t("sql_view", lang), "table": t("sql_table", lang)}
    # props.theme: an Ace theme bundled in the wheel; the component's own themes @import a web font
    reply = code_editor(state.sql_text, lang="sql", height=[8, 20], key=f"sql_editor_{state.get('editor_rev', 0)}",
                        completions=completions(schema(), words), response_mode=["blur"],
                        options={"wrap": True, "showLineNumbers": True}, props={"theme": "chrome"},
                        buttons=[{"name": t("sql_run", lang), "hasText": True, "alwaysOn": True, "commands": ["submit"],
                                  "style": {"bottom": "0.4rem", "right": "0.4rem"}}])
    if reply and reply.get("id") and reply["id"] != state.get("editor_seen"):
        state.editor_seen = reply["id"]
        state.sql_text = reply["text"]  # before the text area below is drawn in this run
        if reply.get("type") == "submit":
            run()


if "sql_text" not in state:
    first_visit()
if state.get("sql_timeout") not in TIMEOUTS:
    state.sql_timeout = APP_LIMITS.timeout_s if APP_LIMITS.timeout_s in TIMEOUTS else TIMEOUTS[0]

st.title(t("sql_title", lang))
st.caption(t("sql_limits", lang, memory=settings.sql_memory_limit, shown=f"{APP_LIMITS.max_rows:,}",
             download=f"{settings.sql_max_download_rows:,}", statements=STATEMENTS))

left, right = st.columns([3, 1])
with right:
    example = st.selectbox(t("sql_examples", lang), list(EXAMPLES), key="example",
                           format_func=lambda title: in_lang(title, lang))
    st.button(t("sql_use_example", lang), key="use_example", on_click=use_text, args=(EXAMPLES[example],))
    if SAVED:
        pick = st.selectbox(t("sql_saved", lang), list(SAVED), key="saved_pick",
                            format_func=lambda n: in_lang(SAVED[n].title, lang))
        if SAVED[pick].description:
            st.caption(in_lang(SAVED[pick].description, lang))
        st.button(t("sql_open", lang), key="use_saved", on_click=use_text, args=(SAVED[pick].sql, pick))

with left:
    saved_now = opened()
    if saved_now is not None and saved_now.sql == state.sql_text:
        st.markdown(f"**{t('sql_opened', lang, title=in_lang(saved_now.title, lang))}**")
        if saved_now.description:
            st.caption(in_lang(saved_now.description, lang))
    st.markdown(t("sql_editor_label", lang))
    editor()
    with st.expander(t("sql_plain_editor", lang), expanded=False):
        st.text_area(t("sql_text_label", lang), key="sql_text", height=160, on_change=text_area_changed)
    for name in param_names(state.sql_text):
        st.text_input(param_label(name), key=f"param_{name}")
    b1, b2 = st.columns([1, 3])
    b1.button(t("sql_run", lang), key="run", type="primary", on_click=run)
    b2.selectbox(t("sql_time_limit", lang), TIMEOUTS, key="sql_timeout",
                 format_func=lambda s: t("sql_seconds", lang, s=f"{s:g}"))
    if state.get("from_link"):
        st.info(t("sql_from_link", lang))
    if state.pop("busy", False):
        st.warning(t("sql_busy", lang))

error = state.get("error")
result: SqlResult | None = state.get("result")
if error is not None:
    st.error(t("sql_refused" if isinstance(error, SqlRefused) else "sql_failed", lang, message=error))
elif result is not None:
    st.caption(t("sql_result_caption", lang, rows=f"{result.row_count:,}", query_s=result.elapsed_s))
    if result.truncated:
        st.warning(t("sql_truncated", lang, n=f"{result.max_rows:,}"))
    frame = result.to_polars()
    st.dataframe(frame, width="stretch", hide_index=True,
                 column_config={c: st.column_config.DateColumn(c, format="YYYY-MM-DD") for c in date_columns(result)})

    xs, ys = chart_columns(result)
    with st.expander(t("sql_quick_chart", lang), expanded=False):
        if ys and result.row_count:
            c1, c2, c3 = st.columns(3)
            x = c1.selectbox("X", xs, key="chart_x")
            y = c2.multiselect("Y", [c for c in ys if c != x], default=[c for c in ys if c != x][:1], key="chart_y")
            kind = c3.radio(t("sql_chart_type", lang), CHART_KINDS, horizontal=True, key="chart_kind",
                            format_func=lambda k: t(f"sql_chart_{k}", lang))
            if y:
                st.plotly_chart(chart_for(result, frame, x, y, kind), key="chart")
        else:
            st.caption(t("sql_no_numeric", lang))

    if not result.truncated and state.get("download_for") is not result:
        # once per result, not on every rerun (it was most of a rerun's time)
        state.download, state.download_for = (to_csv(result), to_parquet(result), result.row_count, False), result
    if "download" not in state:
        st.button(t("sql_prepare_download", lang, n=f"{settings.sql_max_download_rows:,}"),
                  key="prepare_download", on_click=prepare_download)
    else:
        csv_bytes, parquet_bytes, rows, cut = state.download
        d1, d2 = st.columns(2)
        d1.download_button(f"`CSV` ({rows:,})", csv_bytes, "query.csv", "text/csv", key="dl_csv")
        d2.download_button(f"`Parquet` ({rows:,})", parquet_bytes, "query.parquet",
                           "application/vnd.apache.parquet", key="dl_parquet")
        if cut:
            st.caption(t("sql_download_cut", lang, n=f"{settings.sql_max_download_rows:,}"))

with st.expander(t("sql_schema", lang), expanded=False):
    relations = schema()
    if relations:
        kind = {True: t("sql_view", lang), False: t("sql_table", lang)}
        st.dataframe([{t("sql_col_relation", lang): r.name, t("sql_col_kind", lang): kind[r.is_view],
                       t("sql_col_description", lang): r.description} for r in relations],
                     hide_index=True, width="stretch", key="schema_relations")
        # every column of every relation in one table (its search box finds a column anywhere)
        st.dataframe([{t("sql_col_relation", lang): r.name, t("sql_col_column", lang): c.name,
                       t("sql_col_type", lang): c.type, t("sql_col_description", lang): c.description}
                      for r in relations for c in r.columns],
                     hide_index=True, width="stretch", key="schema_columns")
