"""Chinese by default, English on request: labels, numbers formatted for their unit, periods.

Pure functions, no Streamlit: the pages, the chart builders and the PNG briefings share them.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # navigation and shell
    "app_title": ("Pulse 有色金属指标", "Pulse nonferrous metrics"),
    "page_overview": ("总览", "Overview"),
    "page_explore": ("趋势", "Explore"),
    "page_plant": ("工厂", "Plant"),
    "page_sources": ("数据", "Sources"),
    "page_sql": ("SQL 查询", "SQL"),
    "page_briefing": ("简报", "Briefing"),
    "language": ("语言 Language", "Language 语言"),
    # sign-in and roles (dashboard/auth.py)
    "signin_title": ("登录 Pulse", "Sign in to Pulse"),
    "signin_intro": ("请用单位账号登录后查看数据。", "Sign in with your organisation account to see the data."),
    "signin_button": ("登录", "Sign in"),
    "signin_retry": ("重试", "Try again"),
    "signin_unavailable": (
        "暂时无法登录:身份提供方 ({url}) 没有响应。请稍后重试,或联系管理员。",
        "Sign-in is unavailable: the identity provider ({url}) does not answer. Try again later or tell your administrator.",
    ),
    "signed_in_as": ("已登录:{user}({role})", "Signed in as {user} ({role})"),
    "signout": ("退出登录", "Sign out"),
    "no_signin": ("未启用登录,所有访问者均为「{role}」。", "Runs without sign-in: everyone is {role}."),
    "role_viewer": ("查看者", "viewer"),
    "role_analyst": ("分析员", "analyst"),
    "role_maintainer": ("维护员", "maintainer"),
    "role_claim_missing": (
        "您的登录信息中没有角色 ({claim}),因此只能查看。如需更多权限请联系管理员。",
        "Your sign-in carries no role ({claim}), so you are a viewer. Ask your administrator for more.",
    ),
    "role_claim_unmapped": (
        "您的角色 ({claim}) 未对应 Pulse 的任何角色,因此只能查看。",
        "Your roles ({claim}) match no Pulse role, so you are a viewer.",
    ),
    "role_not_in_file": ("您的邮箱不在角色名单中,因此只能查看。", "Your e-mail is not in the roles file, so you are a viewer."),
    "not_allowed": ("您的角色({role})不能使用此功能({action})。", "Your role ({role}) may not use this ({action})."),
    "audit_title": ("操作记录", "Audit trail"),
    "audit_none": ("还没有操作记录。", "Nothing recorded yet."),
    "data_as_of": ("数据版本 {number} · 发布于 {published}", "Warehouse v{number} · published {published}"),
    "age_days": ("{n} 天前", "{n} d ago"),
    "age_hours": ("{n} 小时前", "{n} h ago"),
    "age_minutes": ("{n} 分钟前", "{n} min ago"),
    "no_warehouse": (
        "还没有数据仓库 ({path})。请先运行 `pulse load`,或在「数据」页上传文件并加载。",
        "No warehouse yet ({path}). Run `pulse load`, or upload files and load them on the Sources page.",
    ),
    "warehouse_unreadable": ("无法读取数据仓库:{error}", "Cannot read the warehouse: {error}"),
    "query_failed": ("查询失败:{error}", "Query failed: {error}"),
    "empty_warehouse": ("数据仓库中还没有观测值。请在「数据」页加载文件。", "The warehouse holds no observations yet. Load files on the Sources page."),
    # overview
    "overview_title": ("核心指标总览", "Headline indicators"),
    "as_of": ("截至 {period}", "as of {period}"),
    "yoy": ("同比", "YoY"),
    "yoy_published": ("公布", "published"),
    "yoy_computed": ("计算", "computed"),
    "no_yoy": ("无同比", "no YoY"),
    "open_in_explore": ("查看趋势", "Open in Explore"),
    "plant_alerts": ("工厂控制图报警", "Plant control-chart alerts"),
    "no_alerts": ("当前没有控制图报警。", "No control-chart alerts."),
    "n_series": ("{n} 个指标", "{n} series"),
    # explore
    "explore_title": ("指标趋势", "Explore series"),
    "search": ("搜索指标(中文或英文)", "Search series (Chinese or English)"),
    "search_hint": ("铜 / 产量 / 价格", "copper / output / price"),
    "col_id": ("编号", "ID"),
    "choose_series": ("选择指标", "Series"),
    "choose_hint": ("请选择", "Choose"),
    "pick_series_hint": ("请选择一个或多个指标。", "Pick one or more series."),
    "transform": ("变换", "Transformation"),
    "t_level": ("水平值", "Level"),
    "t_yoy": ("同比 %", "YoY %"),
    "t_index": ("指数(基期=100)", "Index (base = 100)"),
    "t_single": ("累计值拆分为单期", "Cumulative → single period"),
    "t_share": ("占比 %", "Share %"),
    "base_period": ("基期", "Base period"),
    "period_range": ("期间范围", "Period range"),
    "granularity": ("期间类型", "Period type"),
    "span_auto": ("自动", "Auto"),
    "span_M": ("月度", "Monthly"),
    "span_Q": ("季度", "Quarterly"),
    "span_A": ("年度", "Annual"),
    "span_YTD": ("年初至今累计", "Year-to-date"),
    "span_P": ("时点", "Point in time"),
    "span_D": ("日度", "Daily"),
    "span_X": ("其他", "Other"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "missing_series": ("链接中的指标不存在:{ids}。", "Series in the link not found: {ids}."),
    "one_point": ("所选数据只有一个观测值,图表仅显示一个点。", "The selection has a single observation; the chart shows one point."),
    "no_data_in_range": ("所选期间内没有数据。", "No data in the chosen period range."),
    "derived_note": ("标注“推算”的数值由累计值相减得出。", "Values marked “derived” are computed from cumulative figures."),
    "derived_yoy_note": ("标注“推算”的同比未见公布,由上年同期值计算。",
                         "YoY values marked “derived” were not published; they are computed from the year before."),
    "derived_plant_note": ("工厂日指标由 Pulse 根据原始记录汇总计算(非公布值)。",
                           "Plant daily KPIs are aggregated by Pulse from the raw records (not published figures)."),
    "derived_other_note": ("标注“推算”的数值由 Pulse 计算,并非公布值。",
                           "Values marked “derived” are computed by Pulse, not published."),
    "split_label": ("{name}(由累计值拆分)", "{name} (split from year-to-date)"),
    "share_note": ("占比 = 各指标 ÷ 所选指标之和。", "Share = each series ÷ the sum of the selected series."),
    "single_not_flow": ("仅对累计流量指标拆分;其余保持不变:{names}", "Only cumulative flows are split; left as is: {names}"),
    "compare_companies": ("按公司对比", "Companies side by side"),
    "companies": ("公司", "Companies"),
    "compare": ("对比", "Compare"),
    "copy_link": ("此页面地址即包含当前视图,可直接分享。", "This page's URL holds the current view; share it as is."),
    # table columns
    "col_series": ("指标", "Series"),
    "col_period": ("期间", "Period"),
    "col_value": ("数值", "Value"),
    "col_unit": ("单位", "Unit"),
    "col_source": ("来源", "Source"),
    "col_quote": ("原文", "Quote"),
    "derived": ("推算", "derived"),
    # plant alerts table
    "col_date": ("日期", "Date"),
    "col_chart": ("控制图", "Chart"),
    "col_subject": ("对象", "Subject"),
    "col_rule": ("判异规则", "Rule"),
    "col_limit": ("控制限", "Limit"),
    "col_center": ("中心线", "Centre"),
    "chart_p": ("不合格率 p 图", "p-chart (failed %)"),
    "chart_i": ("回收率单值图", "Individuals (recovery %)"),
    "chart_mr": ("移动极差图", "Moving range"),
    "rule_WE1": ("WE1:1 点超出 3σ", "WE1: 1 point beyond 3σ"),
    "rule_WE2": ("WE2:3 点中 2 点超出 2σ(同侧)", "WE2: 2 of 3 points beyond 2σ"),
    "rule_WE3": ("WE3:5 点中 4 点超出 1σ(同侧)", "WE3: 4 of 5 points beyond 1σ"),
    "rule_WE4": ("WE4:连续 8 点在中心线同侧", "WE4: 8 points in a row on one side"),
    "unit_pp": ("个百分点", "pp"),
    # raw weld telemetry (Plant drill-down)
    "robot": ("机器人", "Robot"),
    "all_robots": ("全部机器人", "All robots"),
    "col_time": ("时间", "Time"),
    "col_cathode": ("阴极编号", "Cathode"),
    "col_weld": ("焊点编号", "Weld"),
    "col_current": ("电流 (A)", "Current (A)"),
    "col_temperature": ("温度 (°C)", "Temperature (°C)"),
    "col_vdrop": ("压降 (mV)", "Voltage drop (mV)"),
    "col_passed": ("合格", "Passed"),
    "col_defect": ("缺陷", "Defect"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "defect_none": ("无缺陷", "no defect"),
    "defect_POR": ("气孔(POR)", "porosity (POR)"),
    "defect_LOF": ("未熔合(LOF)", "lack of fusion (LOF)"),
    "defect_CRK": ("裂纹(CRK)", "crack (CRK)"),
    "defect_HVD": ("压降过高(HVD)", "voltage drop too high (HVD)"),
    "defect_MIS": ("错位(MIS)", "misalignment (MIS)"),
    "rows_shown": ("表中显示前 {shown} 条(共 {total} 条);完整数据请用 CSV 下载或 SQL 页。",
                   "The grid shows the first {shown} of {total} records; download the CSV or use the SQL page for all."),
    "beyond_axis": ("另有 {n} 个值超出横轴(最小 {low},最大 {high})", "{n} values beyond the axis (min {low}, max {high})"),
    # cumulation lengths of year-to-date figures (chart legends)
    "full_year": ("全年", "full year"),
    "cum_january": ("1月", "Jan"),
    "cum_months": ("1–{last}月累计", "Jan–{mon} YTD"),
    # plant
    "plant_title": ("工厂质量", "Plant quality"),
    "no_plant": ("还没有加载工厂数据。", "No plant data loaded yet."),
    "simulated_note": ("注意:以下工厂数据为模拟数据,仅用于演示。", "Note: the plant data below is simulated, for demonstration only."),
    "simulated_mark": ("模拟数据", "Simulated data"),
    "simulated_series": ("所选指标中有模拟数据(工厂演示数据),图中已标注。",
                         "Some selected series hold simulated (demonstration) plant data; the chart says so."),
    "weld_yield": ("焊接一次合格率", "Weld first-pass yield"),
    "per_robot": ("各机器人合格率", "Yield per robot"),
    "defect_pareto": ("缺陷帕累托图", "Defect Pareto"),
    "vdrop": ("压降分布", "Voltage-drop distribution"),
    "gallium_recovery": ("镓回收率(按批次)", "Gallium recovery per batch"),
    "line": ("产线", "Line"),
    "plant": ("工厂", "Plant"),
    "drill_day": ("查看某日原始数据", "Raw telemetry for a day"),
    "drill_rows": ("{n} 条焊接记录", "{n} weld records"),
    "no_drill": ("原始数据查询不可用。", "Raw telemetry drill-down is not available."),
    "target": ("目标", "target"),
    "published_recovery": ("公布值", "published"),
    "center": ("中心线", "centre"),
    "limits": ("控制限", "limits"),
    "out_of_control": ("失控点", "out of control"),
    "welds": ("焊点数", "welds"),
    "cumulative_pct": ("累计 %", "cumulative %"),
    "count": ("数量", "count"),
    "days": ("天数", "days"),
    "kpi_yield_latest": ("最近一日合格率", "Latest daily yield"),
    "kpi_recovery_latest": ("最近批次回收率", "Latest batch recovery"),
    "kpi_alerts": ("报警数", "Alerts"),
    # sources
    "sources_title": ("数据来源与加载", "Sources and loads"),
    "upload": ("上传文件(公告、表格、工厂日志)", "Upload files (bulletins, tables, plant logs)"),
    "saved_to_inbox": ("已保存到收件箱:{files}", "Saved to the inbox: {files}"),
    "run_load": ("运行加载", "Run load"),
    "loading": ("正在加载……", "Loading…"),
    "load_done": ("加载完成。", "Load finished."),
    "load_failed": ("加载失败:{error}", "Load failed: {error}"),
    "load_notices": ("提示", "Notices"),
    "warehouse_version": ("数据仓库版本", "Warehouse version"),
    "published_at": ("发布时间", "Published"),
    "age": ("距今", "Age"),
    "documents": ("已加载文档", "Documents loaded"),
    "loads_log": ("加载记录", "Loads log"),
    "rejects": ("被拒绝的文件和行", "Rejected files and rows"),
    "unmapped": ("公告中未映射的统计数据", "Unmapped statistics from bulletins"),
    "dictionary": ("数据字典", "Data dictionary"),
    "none": ("无", "None"),
    "no_dictionary": ("没有找到数据字典 (docs/data-dictionary.md)。", "No data dictionary found (docs/data-dictionary.md)."),
    # review and provenance (issue 12)
    "review_title": ("待审核的数值", "Held for review"),
    "review_intro": ("与当前值冲突或不合常理的新数值不会显示在图表中,需由人审核:接受后成为当前值,拒绝后保留但不显示。",
                     "New figures that conflict with the current value, or look implausible, stay off the charts "
                     "until a person decides: accepted ones become current, rejected ones are kept but never shown."),
    "review_none": ("没有待审核的数值。", "Nothing is held for review."),
    "review_accept": ("接受 #{id}", "Accept #{id}"),
    "review_reject": ("拒绝 #{id}", "Reject #{id}"),
    "review_done": ("#{id} 已{decision}(操作人 {user}),数据版本 {version}。",
                    "#{id} {decision} by {user}; warehouse version {version}."),
    "review_failed": ("审核未完成:{error}", "Review not done: {error}"),
    "review_decisions": ("审核记录", "Review decisions"),
    "change_check": ("公布与计算同比相差超过 0.2 个百分点", "Published and computed YoY more than 0.2 pp apart"),
    "accepted": ("接受", "accepted"),
    "rejected": ("拒绝", "rejected"),
    "stale": ("数据已过时", "stale"),
    "stale_help": ("最新一期已超过该频率允许的时间。", "The latest figure is older than its frequency allows."),
    "source_line": ("来源:{publisher} · {date}", "Source: {publisher} · {date}"),
    "source_unknown": ("来源未注明", "source not stated"),
    "loaded_on": ("{date} 载入", "loaded {date}"),
    "col_publisher": ("发布机构", "Publisher"),
    "col_published": ("发布日期", "Date"),
    "col_link": ("链接", "Link"),
    # sources: pulls, deliveries, alerts (dashboard/screens/ops.py)
    "ops_title": ("抓取、推送与报警", "Fetches, deliveries and alerts"),
    "ops_fetches": ("最近抓取", "Recent fetches"),
    "ops_deliveries": ("最近推送", "Recent deliveries"),
    "ops_alerts": ("最近报警", "Recent alerts"),
    "ops_failed": ("{count} 条失败", "{count} failed"),
    "ops_unreadable": ("无法读取运行日志:{error}", "Cannot read the operations journal: {error}"),
    # alert messages (dashboard/deliver/alerts.py)
    "alert_subject": ("Pulse 报警:{rule}({period})", "Pulse alert: {rule} ({period})"),
    "alert_level_above": ("{name} {period}:{value} {unit},高于 {limit}", "{name} {period}: {value} {unit}, above {limit}"),
    "alert_level_below": ("{name} {period}:{value} {unit},低于 {limit}", "{name} {period}: {value} {unit}, below {limit}"),
    "alert_yoy_above": ("{name} {period}:同比 {value}%,高于 {limit}%", "{name} {period}: {value}% YoY, above {limit}%"),
    "alert_yoy_below": ("{name} {period}:同比 {value}%,低于 {limit}%", "{name} {period}: {value}% YoY, below {limit}%"),
    "alert_change": ("{name} {period}:{value} {unit},较 {prev} 变动 {change}%(阈值 ±{limit}%)",
                     "{name} {period}: {value} {unit}, {change}% vs {prev} (limit ±{limit}%)"),
    "alert_stale": ("{name}:{period} 之后没有新数据(频率 {frequency},宽限 {grace} 天,应于 {due} 前发布)",
                    "{name}: nothing after {period} (frequency {frequency}, {grace} grace days; due by {due})"),
    "alert_spc": ("{subject} {period} 控制图报警 {we}:{detail}", "{subject} {period} control chart {we}: {detail}"),
    "ops_hint": ("由 `pulse fetch`、`pulse schedule run` 与报警规则写入运行日志 (`journal.sqlite`)。",
                 "Written to the operations journal (`journal.sqlite`) by `pulse fetch`, `pulse schedule run` and the alert rules."),
    # chart PNG cards (dashboard/briefing/card.py, issue 16)
    "card_as_of": ("数据截至 {date}", "Data as of {date}"),
    "card_sources": ("来源:{sources}", "Sources: {sources}"),
    "card_no_sources": ("未记录", "not recorded"),
    "card_warehouse": ("数据仓库 v{n} · 发布于 {at}", "Warehouse v{n} · published {at}"),
    "card_simulated": ("模拟数据 · 仅供演示", "SIMULATED DATA · demo only"),
    "card_untitled": ("图表", "Chart"),
    "card_more_series": (" 等 {n} 个指标", " and {more} more series"),
    "card_png": ("PNG 图片", "PNG image"),

    # SQL page (dashboard/screens/sql.py)
    "sql_title": ("SQL 查询", "Ad hoc SQL"),
    "sql_limits": ("只读 · 内存 ≤ `{memory}` · 显示 ≤ {shown} 行 · 下载 ≤ {download} 行 · 语句: {statements}",
                   "read-only · memory ≤ `{memory}` · shows ≤ {shown} rows · download ≤ {download} rows · "
                   "statements: {statements}"),
    "sql_examples": ("示例", "Examples"),
    "sql_use_example": ("使用示例", "Use example"),
    "sql_saved": ("已保存的查询", "Saved queries"),
    "sql_open": ("打开", "Open"),
    "sql_editor_label": ("查询(按 `Ctrl+Enter` 运行;输入时补全表名和列名)",
                         "Query (`Ctrl+Enter` runs it; table and column names complete as you type)"),
    "sql_plain_editor": ("纯文本编辑", "Plain text editor"),
    "sql_text_label": ("查询文本", "Query text"),
    "sql_run": ("运行", "Run"),
    "sql_time_limit": ("时间限制", "Time limit"),
    "sql_seconds": ("{s} 秒", "{s} s"),
    "sql_from_link": ("链接中的查询已填入,点击「运行」执行。", "The query from the link is in the editor; click Run to run it."),
    "sql_opened": ("已打开:{title}", "Opened: {title}"),
    "sql_busy": ("请稍候:本会话还有一个查询在运行,请等它结束或到达时间限制。",
                 "Please wait: a query of this session is still running; wait for it to finish or for its time limit."),
    "sql_refused": ("已拒绝:{message}", "Refused: {message}"),
    "sql_failed": ("失败:{message}", "Failed: {message}"),
    "sql_result_caption": ("{rows} 行 · 查询 {query_s:.3f} 秒", "{rows} rows · query {query_s:.3f} s"),
    "sql_truncated": ("仅显示前 {n} 行;查询返回了更多行(请加 LIMIT 或筛选条件)。",
                      "Only the first {n} rows are shown; the query returned more (add a LIMIT or a filter)."),
    "sql_quick_chart": ("快速图表", "Quick chart"),
    "sql_chart_type": ("类型", "Type"),
    "sql_chart_line": ("折线", "Line"),
    "sql_chart_bar": ("柱状", "Bar"),
    "sql_chart_scatter": ("散点", "Scatter"),
    "sql_no_numeric": ("结果中没有数值列,无法作图。", "No numeric column to chart."),
    "sql_prepare_download": ("准备下载(≤ {n} 行)", "Prepare download (≤ {n} rows)"),
    "sql_download_cut": ("下载也在 {n} 行处截断。", "The download is cut at {n} rows too."),
    "sql_schema": ("结构:视图、表、列与说明", "Schema: views, tables, columns and descriptions"),
    "sql_view": ("视图", "view"),
    "sql_table": ("表", "table"),
    "sql_col_relation": ("名称", "name"),
    "sql_col_kind": ("种类", "kind"),
    "sql_col_column": ("列", "column"),
    "sql_col_type": ("类型", "type"),
    "sql_col_description": ("说明", "description"),
    # ---- issue 16 language (branch lang): Streamlit's widget texts (dashboard/widget_text.py) ----
    "uploader_button": ("选择文件", "Browse files"),
    "uploader_limit": ("每个文件不超过 {mb} MB · 类型:{types}", "Up to {mb} MB per file · {types}"),
    "uploader_drop": ("松开鼠标即可上传", "Drop the files to upload them"),
    "no_matches": ("没有匹配项", "No matches"),
    "pick_day": ("日期", "Day"),
    "pick_period": ("期间", "Period"),
    # ---- issue 16 language: the Sources page's tables (dashboard/table_text.py) ----
    "dictionary_intro": ("数据字典说明 Pulse 数据仓库中各视图的用途;列名、类型与详细说明见英文原文(可下载)。",
                         "What each view of the Pulse warehouse holds, with its columns and types."),
    "dictionary_view": ("视图", "View"),
    "dictionary_about": ("说明", "About"),
    "dictionary_download": ("下载完整数据字典(英文原文)", "Download the data dictionary (Markdown)"),
    "dictionary_untranslated": ("(暂无中文说明,见英文原文)", "(see the document)"),
    # raw warehouse and journal columns as the Sources page's tables head them ("col." + column name)
    "col.publisher": ("发布机构", "Publisher"), "col.title": ("标题", "Title"), "col.published": ("发布日期", "Published"),
    "col.source_url": ("来源链接", "Source link"), "col.source_link": ("出处链接", "Link to source"),
    "col.file_name": ("文件名", "File name"), "col.file": ("文件", "File"), "col.file_path": ("文件路径", "File path"),
    "col.kind": ("类型", "Kind"), "col.size_bytes": ("大小(字节)", "Size (bytes)"), "col.simulated": ("模拟数据", "Simulated"),
    "col.load_id": ("加载编号", "Load"), "col.observations": ("观测值数", "Observations"),
    "col.cited_publishers": ("引用的发布机构数", "Publishers cited"), "col.started_at": ("开始时间", "Started"),
    "col.finished_at": ("结束时间", "Finished"), "col.inbox": ("收件箱", "Inbox"), "col.files_seen": ("发现文件", "Files seen"),
    "col.files_loaded": ("已加载文件", "Files loaded"), "col.files_skipped": ("跳过文件", "Files skipped"),
    "col.files_rejected": ("拒绝文件", "Files rejected"), "col.rows": ("行数", "Rows"), "col.rows_loaded": ("已加载行", "Rows loaded"),
    "col.rows_rejected": ("拒绝行", "Rows rejected"), "col.pulse_version": ("Pulse 版本", "Pulse version"),
    "col.rejected_at": ("拒绝时间", "Rejected at"), "col.row_number": ("行号", "Row"), "col.reason": ("原因", "Reason"),
    "col.hold_reason": ("暂缓原因", "Held because"), "col.quarantined_to": ("隔离位置", "Quarantined to"),
    "col.subject": ("对象", "Subject"), "col.indicator": ("指标原文", "Indicator as written"),
    "col.period_label": ("期间原文", "Period as written"), "col.period_start": ("期间起", "Period start"),
    "col.period_end": ("期间止", "Period end"), "col.value_as_written": ("数值原文", "Value as written"),
    "col.unit_as_written": ("单位原文", "Unit as written"), "col.change_pct": ("变动 %", "Change %"),
    "col.document": ("文档", "Document"), "col.quote": ("原文", "Quote"), "col.status": ("状态", "Status"),
    "col.error": ("错误或提示", "Error or notice"), "col.decision_id": ("决定编号", "Decision no."), "col.review_id": ("审核编号", "Review no."),
    "col.decision": ("决定", "Decision"), "col.decided_by": ("操作人", "Decided by"), "col.decided_at": ("决定时间", "Decided at"),
    "col.series_id": ("指标编号", "Series ID"), "col.name": ("指标名称", "Series name"), "col.value": ("数值", "Value"),
    "col.value_prev_year": ("上年同期值", "Value a year earlier"), "col.change_pct_published": ("公布同比 %", "Published YoY %"),
    "col.change_pct_computed": ("计算同比 %", "Computed YoY %"), "col.difference_pp": ("相差(个百分点)", "Difference (pp)"),
    "col.display_unit": ("单位", "Unit"), "col.at": ("时间", "Time"), "col.source": ("来源", "Source"),
    "col.http_status": ("HTTP 状态码", "HTTP status"), "col.url": ("网址", "URL"), "col.bytes": ("字节数", "Bytes"),
    "col.saved_to": ("保存位置", "Saved to"), "col.target": ("推送目标", "Target"), "col.item": ("内容", "Item"),
    "col.attempts": ("尝试次数", "Attempts"), "col.rule": ("规则", "Rule"), "col.series": ("指标", "Series"),
    "col.period": ("期间", "Period"), "col.detail": ("详情", "Detail"), "col.snoozed_until": ("暂停至", "Snoozed until"),
    "col.user": ("用户", "User"), "col.action": ("操作", "Action"),
    # cell values of those tables that are words, not data ("val." + column + "." + value)
    "val.status.loaded": ("已加载", "loaded"), "val.status.skipped": ("已跳过", "skipped"),
    "val.status.rejected": ("已拒绝", "rejected"), "val.status.ok": ("成功", "ok"), "val.status.failed": ("失败", "failed"),
    "val.status.unchanged": ("未变化", "unchanged"), "val.status.saved": ("已保存", "saved"),
    "val.status.sent": ("已发送", "sent"),
    "val.kind.long_table": ("长表", "long table"), "val.kind.wide_table": ("宽表", "wide table"),
    "val.kind.bulletin": ("公告", "bulletin"), "val.kind.pdf": ("PDF 文档", "PDF"), "val.kind.plant_log": ("工厂日志", "plant log"),
    "val.decision.accept": ("接受", "accepted"), "val.decision.reject": ("拒绝", "rejected"),
    "val.decision.accepted": ("接受", "accepted"), "val.decision.rejected": ("拒绝", "rejected"),
    "val.action.upload": ("上传", "upload"), "val.action.load": ("加载", "load"), "val.action.sql": ("SQL 查询", "SQL query"),
    "val.action.review": ("审核", "review"),
    # why a vintage is held (etl/holds.py's sentences, worded by dashboard/table_text.py)
    "hold.conflict": ("与当前值 {old}({where})冲突:{diff}(容差 {tol})",
                      "conflicts with the current value {old} ({where}): {diff} (tolerance {tol})"),
    "hold.implied": ("公布同比 {change}% 推算 {year} 年为 {implied},已存值为 {stored}:相差 {diff}(容差 {tol})",
                     "published YoY {change} % implies {year} = {implied}, stored {stored}: {diff} (tolerance {tol})"),
    "hold.history": ("{value} 超出该指标历史范围的 {factor} 倍({lo} 至 {hi})",
                     "{value} lies outside {factor}× the series' history ({lo} .. {hi})"),
    "val.bool.true": ("是", "yes"), "val.bool.false": ("否", "no"),
    # the data dictionary's views in Chinese ("dict." + view; docs/data-dictionary.md has the details)
    "dict.v_observations": ("每个已映射到目录指标的观测值的当前版本,附指标元数据。", "The current vintage of every mapped observation."),
    "dict.v_latest": ("每个指标一行:最近一期的数值与公布的变动。", "One row per series: its most recent period."),
    "dict.v_yoy": ("每个观测值与上年同期值并列,含公布与计算的同比。", "Every observation beside the same period a year earlier."),
    "dict.v_unmapped": ("公告中找到、但目录里还没有对应指标的统计数据及原因。", "Statistics from bulletins that no series fits yet."),
    "dict.v_conflicts": ("待审核的数值,与当前值并列,附暂缓原因。", "Vintages held for review beside the current value."),
    "dict.v_review_decisions": ("每项审核决定(接受/拒绝),最新的在前。", "Every review decision, newest first."),
    "dict.v_change_check": ("公布同比与计算同比相差超过 0.2 个百分点的期间。", "Where published and computed YoY differ by over 0.2 pp."),
    "dict.v_weld_daily": ("焊接线每日、每台机器人的一次合格率与接头压降分位数。", "Welding KPIs per day and robot."),
    "dict.v_weld_line_daily": ("同上,按整条产线(全部机器人)汇总。", "The same per day for the whole line."),
    "dict.v_weld_shift": ("按班次汇总的焊接指标。", "Welding KPIs per shift."),
    "dict.v_weld_defects": ("每日、每台机器人、每种缺陷的不合格焊点数。", "Failed welds per day, robot and defect code."),
    "dict.v_weld_pchart": ("焊接不合格率 p 控制图(每日,含中心线与控制限)。", "p-chart of the weld failure rate per day."),
    "dict.v_weld_yield_chart": ("以合格率表示的同一控制图(合格率 = 100 − 不合格率)。", "The p-chart in yield terms."),
    "dict.v_gallium_batches": ("母液提镓的每个批次及其回收率。", "Every gallium recovery batch with its recovery."),
    "dict.v_gallium_daily": ("每日镓回收率(按当日开始批次的质量加权)。", "Gallium recovery per day."),
    "dict.v_gallium_ichart": ("批次回收率的单值-移动极差控制图。", "Individuals and moving-range chart of batch recovery."),
    "dict.v_spc_alerts": ("控制图上触发的西方电气(WE)判异规则,每点每规则一行。", "Western Electric rule firings."),
}

CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "output": ("产量", "Output"),
    "price": ("价格", "Prices"),
    "credit": ("信贷", "Credit"),
    "innovation": ("创新", "Innovation"),
    "industry": ("工业增长", "Industry"),
    "finance": ("行业效益", "Industry finance"),
    "company": ("企业", "Companies"),
    "plant": ("工厂", "Plant"),
}
CATEGORY_ORDER = ("output", "price", "credit", "innovation", "industry", "finance", "company", "plant")

UNIT_EN = {
    "万吨": "10k t", "吨": "t", "亿元": "100m CNY", "万亿元": "tn CNY", "万元": "10k CNY", "元": "CNY",
    "元/吨": "CNY/t", "元/克": "CNY/g", "%": "%", "pp": "pp", "index": "index", "": "",
    "亿千瓦时": "100m kWh", "个百分点": "pp", "kg": "kg", "mV": "mV",
}
UNIT_ZH = {"index": "指数", "pp": "个百分点", "t": "吨", "CNY": "元", "CNY/t": "元/吨", "CNY/g": "元/克",
           "kg": "千克", "count": "个"}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = ("一", "二", "三", "四")


def pick(pair: tuple[str, str], lang: str = DEFAULT_LANG, **kwargs: object) -> str:
    """The (zh, en) pair's text in `lang`, with {placeholders} filled in; every text table uses it."""
    zh, en = pair
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


def t(key: str, lang: str = DEFAULT_LANG, **kwargs: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled in."""
    return pick(TEXT.get(key, (key, key)), lang, **kwargs)


def category_name(category: str | None, lang: str = DEFAULT_LANG) -> str:
    return pick(CATEGORY_NAMES.get(category or "", (category or "—", category or "—")), lang)


def unit_label(unit: str | None, lang: str = DEFAULT_LANG) -> str:
    unit = unit or ""
    if lang == "en":
        return UNIT_EN.get(unit, unit)
    return UNIT_ZH.get(unit, unit)


def series_name(name_zh: str | None, name_en: str | None, lang: str = DEFAULT_LANG) -> str:
    return (name_en or name_zh or "") if lang == "en" else (name_zh or name_en or "")


def decimals_for(value: float, unit: str | None = None) -> int:
    if unit in ("%", "pp", "个百分点"):
        # yields sit just under 100 % (target 99.9 %): one decimal would round 99.95 to 100.0
        return 2 if unit == "%" and abs(value) >= 99 else 1
    magnitude = abs(value)
    if magnitude >= 10_000:
        return 0
    if magnitude >= 100:
        return 1
    return 2


def format_number(value: float | None, unit: str | None = None, lang: str = DEFAULT_LANG,
                  with_unit: bool = True) -> str:
    """6124.9 万吨 / 6,124.9 10k t; 79,850 元/吨; 3.0%. None or NaN -> '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals_for(value, unit)}f}"
    label = unit_label(unit, lang)
    if not with_unit or not label or label == "指数":
        return text
    if label == "%":
        return text + "%"
    return f"{text} {label}"


def format_change(change: float | None, unit: str = "%", arrow: bool = True, lang: str | None = None) -> str:
    """▲ +3.0% / ▼ -1.2 pp (without the arrow: +3.0%); with lang="zh" points read 个百分点."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return "—"
    suffix = "%" if unit == "%" else f" {unit_label('pp', lang)}" if lang else " pp"
    text = f"{change:+.1f}{suffix}"
    if not arrow:
        return text
    return ("▲ " if change > 0 else "▼ " if change < 0 else "■ ") + text


def _is_month_end(d: date) -> bool:
    return (d + timedelta(days=1)).day == 1


def format_period(start: date | None, end: date | None, lang: str = DEFAULT_LANG) -> str:
    """2025年9月 / Sep 2025; 2025年三季度 / Q3 2025; 2025年1-9月 / Jan–Sep 2025; 2025年 / 2025."""
    if end is None:
        return "—"
    start = start or end
    zh = lang != "en"
    if start == end:
        if _is_month_end(end):
            return f"{end.year}年{end.month}月末" if zh else f"end-{_MONTHS_EN[end.month - 1]} {end.year}"
        return f"{end.year}年{end.month}月{end.day}日" if zh else f"{end.day} {_MONTHS_EN[end.month - 1]} {end.year}"
    if start.day == 1 and _is_month_end(end) and start.year == end.year:
        months = end.month - start.month + 1
        if months == 12:
            return f"{end.year}年" if zh else f"{end.year}"
        if months == 1:
            return f"{end.year}年{end.month}月" if zh else f"{_MONTHS_EN[end.month - 1]} {end.year}"
        if months == 3 and start.month % 3 == 1:
            q = (start.month - 1) // 3
            return f"{end.year}年{_QUARTERS_ZH[q]}季度" if zh else f"Q{q + 1} {end.year}"
        if zh:
            return f"{end.year}年{start.month}-{end.month}月"
        return f"{_MONTHS_EN[start.month - 1]}–{_MONTHS_EN[end.month - 1]} {end.year}"
    if zh:
        return f"{start.isoformat()} 至 {end.isoformat()}"
    return f"{start.isoformat()} – {end.isoformat()}"


def format_month(d: date | None, lang: str = DEFAULT_LANG) -> str:
    if d is None:
        return "—"
    return f"{d.year}年{d.month}月" if lang != "en" else f"{_MONTHS_EN[d.month - 1]} {d.year}"


def source_text(publisher: str | None, published: date | None, loaded_on: date | None, link: str | None,
                lang: str = DEFAULT_LANG) -> str:
    """来源:人民网 · 2024-10-26 · https://… — publisher, publication date (else the load date), link."""
    when = str(published) if published else (t("loaded_on", lang, date=loaded_on) if loaded_on else "—")
    text = t("source_line", lang, publisher=publisher or t("source_unknown", lang), date=when)
    return f"{text} · {link}" if link else text


def cumulation_label(months: int, lang: str = DEFAULT_LANG) -> str:
    """How much of the year a to-date figure covers: 1–9月累计 / Jan–Sep YTD; 全年 / full year."""
    if months >= 12:
        return t("full_year", lang)
    if months == 1:
        return t("cum_january", lang)
    return t("cum_months", lang, last=months, mon=_MONTHS_EN[months - 1])


def format_day(d: date | None, lang: str = DEFAULT_LANG) -> str:
    """A calendar day, never with a time: 2025年9月21日 / 21 Sep 2025."""
    if d is None:
        return "—"
    if hasattr(d, "date") and callable(d.date):  # a datetime: the day is what is meant
        d = d.date()
    return f"{d.year}年{d.month}月{d.day}日" if lang != "en" else f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
