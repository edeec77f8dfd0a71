"""json_table: a JSON statistics answer -> a long-table CSV the normal loader reads.

Made for NBS-style query interfaces (data.stats.gov.cn easyquery): `returndata.datanodes` is a list
of nodes, each with its value in `data.data` and its coordinates in `wds`, a list of
{wdcode, valuecode} pairs (wdcode "zb" = indicator code, "sj" = period code). Which indicator
codes are which catalog series, and their units, is declared in sources.toml, never in code:

    [source.mapping]
    unit = "万吨"                       # else the unit the answer states (wdnodes), or per series:
    [source.mapping.series]
    "A020901" = "nf10_output"
    "A020902" = { series = "nf10_output_ytd", unit = "万吨", ytd = true }   # ytd: period from January
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from datetime import date
from typing import Any

from etl.fetch.http import FetchError

DEFAULTS = {"rows": "returndata.datanodes", "value": "data.data", "codes": "wds", "code_key": "wdcode",
            "value_key": "valuecode", "indicator": "zb", "period": "sj", "units_from": "returndata.wdnodes"}
COLUMNS = ["series_id", "period_start", "period_end", "value", "unit", "source_url", "source_quote"]


def to_long_csv(content: bytes, mapping: dict[str, Any], url: str, source: str) -> tuple[bytes, int]:
    """(UTF-8 CSV bytes, rows). Nodes without a value or with an unmapped indicator are left out."""
    m = {**DEFAULTS, **mapping}
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{url}: the answer is not JSON ({exc}); check the URL and its query.") from None
    nodes = _path(doc, m["rows"])
    if not isinstance(nodes, list):
        raise FetchError(f"{url}: no list at '{m['rows']}' in the JSON; check mapping.rows for source '{source}'.")
    units = _units(doc, m)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = 0
    for node in nodes:
        row = _row(node, m, units, url)
        if row is not None:
            writer.writerow(row)
            rows += 1
    if not rows:
        raise FetchError(f"{url}: none of the JSON's data nodes has a value for a mapped indicator "
                         f"({', '.join(m['series'])}); check mapping.series for source '{source}'.")
    return out.getvalue().encode("utf-8"), rows


def _path(doc: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def _units(doc: Any, m: dict[str, Any]) -> dict[str, str]:
    """Indicator code -> unit as the answer itself states it (NBS: wdnodes[zb].nodes[].unit)."""
    units = {}
    for wd in _path(doc, m["units_from"]) or []:
        if isinstance(wd, dict) and wd.get(m["code_key"]) == m["indicator"]:
            units.update({n["code"]: n["unit"] for n in wd.get("nodes", []) if n.get("code") and n.get("unit")})
    return units


def _row(node: Any, m: dict[str, Any], units: dict[str, str], url: str) -> list[str] | None:
    codes = {c.get(m["code_key"]): str(c.get(m["value_key"])) for c in _path(node, m["codes"]) or []
             if isinstance(c, dict)}
    indicator, period = codes.get(m["indicator"]), codes.get(m["period"])
    target = m["series"].get(indicator)
    value = _path(node, m["value"])
    if target is None or value in (None, "") or _path(node, "data.hasdata") is False:
        return None
    series, unit = (target, None) if isinstance(target, str) else (target.get("series"), target.get("unit"))
    unit = unit or m.get("unit") or units.get(indicator)
    if not unit:
        raise FetchError(f"{url}: no unit for indicator {indicator}; add unit to its mapping in sources.toml.")
    start, end = period_bounds(period or "", url)
    if not isinstance(target, str) and target.get("ytd"):
        start = start.replace(month=1, day=1)  # a cumulative (year-to-date) indicator
    return [series, start.isoformat(), end.isoformat(), str(value), unit, url, f"{indicator} {period} = {value}"]


PERIOD_FORMS = (
    (re.compile(r"^(\d{4})(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})([A-D])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def period_bounds(code: str, url: str) -> tuple[date, date]:
    """NBS period codes: 202401 (month), 2024A..2024D (quarters 1-4), 2024 (year)."""
    for pattern, form in PERIOD_FORMS:
        match = pattern.match(code)
        if not match:
            continue
        year = int(match.group(1))
        if form == "month" and 1 <= int(match.group(2)) <= 12:
            month = int(match.group(2))
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if form == "quarter":
            q = "ABCD".index(match.group(2))
            end_month = 3 * q + 3
            return date(year, end_month - 2, 1), date(year, end_month, calendar.monthrange(year, end_month)[1])
        if form == "year":
            return date(year, 1, 1), date(year, 12, 31)
    raise FetchError(f"{url}: period code {code!r} is not YYYYMM, YYYYA-D or YYYY; check mapping.period.")
