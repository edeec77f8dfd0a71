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


# Raw weld telemetry (etl.plant.telemetry.weld_rows) -> columns a person reads; the rest is dropped
# (document_id, simulated: the page's banner says it; date, plant: one day of one plant is shown).
_WELD_COLUMNS = {"ts": "col_time", "line": "line", "robot": "robot", "cathode_id": "col_cathode",
                 "weld_id": "col_weld", "current_a": "col_current", "temperature_c": "col_temperature",
                 "vdrop_mv": "col_vdrop", "passed": "col_passed", "defect_code": "col_defect"}


def defect_name(code: str | None, lang: str) -> str:
    """POR -> 气孔(POR); None (a weld without defect) -> 无缺陷; an unknown code as written."""
    if code is None or code == "":
        return t("defect_none", lang)
    key = f"defect_{code}"
    name = t(key, lang)
    return code if name == key else name


def weld_table(rows: pl.DataFrame, lang: str) -> pl.DataFrame:
    shown = [c for c in _WELD_COLUMNS if c in rows.columns]
    out = rows.select(shown)
    if "defect_code" in out.columns:
        out = out.with_columns(pl.col("defect_code").map_elements(lambda c: defect_name(c, lang),
                                                                  return_dtype=pl.Utf8, skip_nulls=False))
    if "passed" in out.columns:
        out = out.with_columns(pl.col("passed").replace_strict(
            {True: t("yes", lang), False: t("no", lang)}, default="—", return_dtype=pl.Utf8))
    return out.rename({c: t(_WELD_COLUMNS[c], lang) for c in shown})
