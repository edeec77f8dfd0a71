"""Plant tables as a person reads them: i18n column names, translated rule names, dates without
times, values with their unit. Pure (polars in, polars out), shared by Overview and Plant."""

from __future__ import annotations

import polars as pl

from dashboard.i18n import format_day, t

# v_spc_alerts.chart -> what the value measures, and its unit
_CHART_UNIT = {"p": "%", "i": "%", "mr": "pp"}


def _rule_key(rule: str | None) -> str:
    return f"rule_{(rule or '').split(':', 1)[0].strip()}"


def _value(value: float | None, chart: str, lang: str) -> str:
    if value is None:
        return "—"
    if _CHART_UNIT.get(chart) == "pp":
        return f"{value:.2f} {t('unit_pp', lang)}"
    return f"{value:.2f}%"


def alerts_table(alerts: pl.DataFrame, lang: str) -> pl.DataFrame:
    """v_spc_alerts rows (series_id, chart, rule, period_start, period_end, subject, value, limit,
    center, detail) -> the table shown: date, chart, subject, rule, value, limit, centre."""
    rows = []
    for r in alerts.iter_rows(named=True):
        chart = r.get("chart") or ""
        rule_key = _rule_key(r.get("rule"))
        rows.append({
            t("col_date", lang): format_day(r.get("period_end"), lang),
            t("col_chart", lang): t(f"chart_{chart}", lang),
            t("col_subject", lang): r.get("subject") or "—",
            t("col_rule", lang): t(rule_key, lang) if rule_key != "rule_" else "—",
            t("col_value", lang): _value(r.get("value"), chart, lang),
            t("col_limit", lang): _value(r.get("limit"), chart, lang),
            t("col_center", lang): _value(r.get("center"), chart, lang),
        })
    columns = [t(k, lang) for k in ("col_date", "col_chart", "col_subject", "col_rule", "col_value",
                                    "col_limit", "col_center")]
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.Utf8))
