"""SQL 查询 · Ad hoc SQL: layout only; the sandbox and helpers live in dashboard.sql.

Joins dashboard/app.py's navigation by being here (screens/sql.py); runs on its own too:
`streamlit run dashboard/screens/sql.py` with PULSE_DB pointing at a warehouse.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import auth
from dashboard.sql import SandboxLimits, SqlError, SqlRefused, SqlResult, check_sql, run_query
from dashboard.sql.output import to_csv, to_parquet, truncation_notice
from dashboard.sql.page import CHART_KINDS, chart_columns, from_url, quick_chart, url_state
from dashboard.sql.running import RUNNING, QueryBusy
from dashboard.sql.sandbox import timeout_choices
from dashboard.sql.saved import EXAMPLES, SavedQuery, load_saved
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
state = st.session_state
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


def param_names(sql: str) -> tuple[str, ...]:
    try:
        return check_sql(sql).params
    except PulseError:
        return ()


def param_defaults() -> dict[str, str]:
    saved: SavedQuery | None = SAVED.get(state.get("saved_name", ""))
    return {p.name: p.default for p in saved.params} if saved else {}


def param_label(name: str) -> str:
    saved: SavedQuery | None = SAVED.get(state.get("saved_name", ""))
    labels = {p.name: p.label for p in saved.params} if saved else {}
    return f":{name} — {labels[name]}" if labels.get(name) else f":{name}"


def use_text(sql: str, saved_name: str = "") -> None:
    state.sql_text = sql
    state.saved_name = saved_name
    for name, value in param_defaults().items():
        state[f"param_{name}"] = value


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
        st.query_params.from_dict(url_state(sql, params))
    except QueryBusy as exc:
        state.busy = str(exc)
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
    except QueryBusy as exc:
        state.busy = str(exc)
    except PulseError as exc:
        state.error = exc


# ---- first visit: a query in the URL fills the editor; it runs only when Run is clicked ----------
# (a link must not make the server work: anyone can send one, and it would run on every open)
if "sql_text" not in state:
    url_sql, url_params = from_url(st.query_params.to_dict())
    state.sql_text = url_sql or EXAMPLES[next(iter(EXAMPLES))]
    for key, value in url_params.items():
        state[f"param_{key}"] = value
    if url_sql:
        state.from_link = True
if state.get("sql_timeout") not in TIMEOUTS:
    state.sql_timeout = APP_LIMITS.timeout_s if APP_LIMITS.timeout_s in TIMEOUTS else TIMEOUTS[0]

st.title("SQL 查询 · Ad hoc SQL")
st.caption(f"只读 read-only · 内存 memory ≤ {settings.sql_memory_limit} · 显示 shows ≤ "
           f"{APP_LIMITS.max_rows:,} 行 rows · 下载 download ≤ {settings.sql_max_download_rows:,} 行 rows · "
           "SELECT / WITH / VALUES / DESCRIBE / SHOW / SUMMARIZE / EXPLAIN")

left, right = st.columns([3, 1])
with right:
    example = st.selectbox("示例 Examples", list(EXAMPLES), key="example")
    st.button("使用示例 Use example", key="use_example", on_click=use_text, args=(EXAMPLES[example],))
    if SAVED:
        pick = st.selectbox("已保存的查询 Saved queries", list(SAVED), key="saved_pick",
                            format_func=lambda n: SAVED[n].title)
        if SAVED[pick].description:
            st.caption(SAVED[pick].description)
        st.button("打开 Open", key="use_saved", on_click=use_text, args=(SAVED[pick].sql, pick))

with left:
    sql = st.text_area("SQL", key="sql_text", height=220)
    names = param_names(sql)
    for name in names:
        st.text_input(param_label(name), key=f"param_{name}")
    b1, b2 = st.columns([1, 3])
    b1.button("运行 Run", key="run", type="primary", on_click=run)
    b2.selectbox("时间限制 Time limit", TIMEOUTS, key="sql_timeout", format_func=lambda s: f"{s:g} s",
                 label_visibility="collapsed")
    if state.get("from_link"):
        st.info("链接中的查询已填入，点击运行 The query from the link is in the editor; click Run to run it.")
    busy = state.pop("busy", None)
    if busy:
        st.warning(f"请稍候 Please wait: {busy}")

error = state.get("error")
result: SqlResult | None = state.get("result")
if error is not None:
    kind = "已拒绝 Refused" if isinstance(error, SqlRefused) else "失败 Failed"
    st.error(f"{kind}: {error}")
elif result is not None:
    st.caption(f"{result.row_count:,} 行 rows · {result.elapsed_s:.3f} s")
    if result.truncated:
        st.warning(f"仅显示前 {result.max_rows:,} 行 · {truncation_notice(result.max_rows)}")
    frame = result.to_polars()
    st.dataframe(frame, width="stretch", hide_index=True)

    xs, ys = chart_columns(result)
    with st.expander("快速图表 Quick chart", expanded=False):
        if ys and result.row_count:
            c1, c2, c3 = st.columns(3)
            x = c1.selectbox("X", xs, key="chart_x")
            y = c2.multiselect("Y", [c for c in ys if c != x], default=[c for c in ys if c != x][:1], key="chart_y")
            kind = c3.radio("类型 Type", list(CHART_KINDS), horizontal=True, key="chart_kind")
            if y:
                st.plotly_chart(quick_chart(frame, x, y, CHART_KINDS[kind]), key="chart")
        else:
            st.caption("结果中没有数值列 No numeric column to chart.")

    if not result.truncated:
        state.download = (to_csv(result), to_parquet(result), result.row_count, False)
    if "download" not in state:
        st.button(f"准备下载 Prepare download (≤ {settings.sql_max_download_rows:,} 行 rows)",
                  key="prepare_download", on_click=prepare_download)
    else:
        csv_bytes, parquet_bytes, rows, cut = state.download
        d1, d2 = st.columns(2)
        d1.download_button(f"CSV ({rows:,})", csv_bytes, "query.csv", "text/csv", key="dl_csv")
        d2.download_button(f"Parquet ({rows:,})", parquet_bytes, "query.parquet",
                           "application/vnd.apache.parquet", key="dl_parquet")
        if cut:
            st.caption(f"下载也被截断 The download is cut at {settings.sql_max_download_rows:,} rows too.")

with st.expander("结构 Schema: 视图、列、类型、说明 views, columns, types, descriptions", expanded=False):
    try:
        for rel in cached_schema(str(DB), warehouse_version(DB)):
            st.markdown(f"**{rel.name}** {'(view 视图)' if rel.is_view else '(table 表)'}  \n{rel.description}")
            st.dataframe([{"column": c.name, "type": c.type, "description": c.description} for c in rel.columns],
                         hide_index=True, width="stretch")
    except PulseError as exc:
        st.info(str(exc))
