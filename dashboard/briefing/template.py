"""Briefing templates: TOML files in data/briefings/, loaded and validated into typed objects.

The format is documented in docs/briefings.md. Every error names the template file and the bad
key in one line (BriefingError), so a typo never reaches the renderer.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from etl.errors import PulseError
from etl.settings import DATA_DIR

TEMPLATES_DIR = DATA_DIR / "briefings"
PANEL_TYPES = ("kpi", "chart")
CHARTS = ("series", "pchart", "ichart", "pareto", "table")
QUERY_CHARTS = ("pchart", "ichart", "pareto", "table")
CHANGES = ("yoy", "prev", "target", "none")
TRANSFORMS = ("level", "yoy", "index", "single", "share")
PERIODS = ("auto", "M", "Q", "A", "YTD", "P", "D")
LANGS = ("zh", "en")

_TOP_KEYS = {"title", "title_en", "subtitle", "subtitle_en", "as_of", "lang", "width", "height", "scale",
             "columns", "queries", "panels", "note", "note_en"}
_QUERY_KEYS = {"sql", "date"}
_PANEL_KEYS = {"type", "chart", "title", "title_en", "label", "label_en", "series", "query", "value", "change",
               "target", "target_label", "target_label_en", "span", "height", "transform", "period", "start",
               "base", "columns", "headers", "headers_en", "max_rows", "sparkline", "category", "count", "note",
               "note_en", "unit", "decimals"}
_READ_ONLY_SQL = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


class BriefingError(PulseError):
    """A template or a briefing request that cannot be used (one line, names the file and key)."""


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    date: str | None = None  # the column holding each row's date (for "latest" and the as-of date)


@dataclass(frozen=True)
class Panel:
    type: str
    index: int  # 1-based position in the template, for messages
    chart: str = "series"
    title: str = ""
    title_en: str = ""
    series: tuple[str, ...] = ()
    query: str | None = None
    value: str = "value"
    change: str = "yoy"
    target: float | None = None
    target_label: str = ""
    target_label_en: str = ""
    span: int = 1
    height: int | None = None
    transform: str = "level"
    period: str = "auto"
    start: date | None = None
    base: date | None = None
    columns: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    headers_en: tuple[str, ...] = ()
    max_rows: int = 8
    sparkline: bool = True
    category: str = "defect_code"
    count: str = "welds"
    note: str = ""
    note_en: str = ""
    label: str = ""
    label_en: str = ""
    unit: str = ""
    decimals: int | None = None

    def text(self, key: str, lang: str) -> str:
        zh = getattr(self, key)
        return (getattr(self, f"{key}_en") or zh) if lang == "en" else zh


@dataclass(frozen=True)
class Template:
    path: Path
    title: str
    panels: tuple[Panel, ...]
    title_en: str = ""
    subtitle: str = ""
    subtitle_en: str = ""
    note: str = ""
    note_en: str = ""
    as_of: date | None = None  # None = latest
    lang: str = "zh"
    width: int = 1600
    height: int | None = None
    scale: float = 2.0
    columns: int = 4
    queries: dict[str, Query] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem

    def text(self, key: str, lang: str) -> str:
        zh = getattr(self, key)
        return (getattr(self, f"{key}_en") or zh) if lang == "en" else zh

    def series_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for p in self.panels for s in p.series))

    def with_overrides(self, *, as_of: date | None | str = "", lang: str | None = None, width: int | None = None,
                       scale: float | None = None) -> Template:
        """Command-line flags over the template's own values (as_of "" = keep; None = latest)."""
        changes: dict[str, Any] = {}
        if as_of != "":
            changes["as_of"] = as_of
        if lang is not None:
            _check_choice(self.path, "--lang", lang, LANGS)
            changes["lang"] = lang
        if width is not None:
            changes["width"] = _check_range(self.path, "--width", width, 480, 6000)
        if scale is not None:
            changes["scale"] = _check_range(self.path, "--scale", scale, 0.5, 6)
        return replace(self, **changes)


def parse_as_of(value: object, where: str = "--as-of") -> date | None:
    """'latest' (or empty) -> None; 'YYYY-MM-DD' or a TOML date -> date."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "latest")):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise BriefingError(f"{where}: '{value}' is not a date; use 'latest' or YYYY-MM-DD.") from None


def resolve(name_or_path: str | Path, templates_dir: Path = TEMPLATES_DIR) -> Path:
    """A template name (monthly_industry) or a path to a .toml file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.is_file() or "/" in str(name_or_path):
        if not candidate.is_file():
            raise BriefingError(f"no briefing template at {candidate}.")
        return candidate
    found = templates_dir / f"{name_or_path}.toml"
    if not found.is_file():
        known = ", ".join(p.stem for p in available(templates_dir)) or "none"
        raise BriefingError(f"no briefing template named '{name_or_path}' in {templates_dir} (available: {known}).")
    return found


def available(templates_dir: Path = TEMPLATES_DIR) -> list[Path]:
    return sorted(templates_dir.glob("*.toml")) if templates_dir.is_dir() else []


def load_template(name_or_path: str | Path, templates_dir: Path = TEMPLATES_DIR) -> Template:
    path = resolve(name_or_path, templates_dir)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BriefingError(f"{path}: not valid TOML ({exc}).") from None
    except UnicodeDecodeError:
        raise BriefingError(f"{path}: not UTF-8 text.") from None
    return parse_template(raw, path)


def parse_template(raw: dict[str, Any], path: Path) -> Template:
    _unknown(path, "", raw, _TOP_KEYS)
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BriefingError(f"{path}: key 'title' is required (a non-empty string).")
    queries = {name: _query(path, name, spec) for name, spec in _table(path, "queries", raw.get("queries", {})).items()}
    panels_raw = raw.get("panels")
    if not isinstance(panels_raw, list) or not panels_raw:
        raise BriefingError(f"{path}: key 'panels' is required (at least one [[panels]] table).")
    columns = _check_range(path, "columns", _int(path, "columns", raw.get("columns", 4)), 1, 8)
    panels = tuple(_panel(path, i, spec, queries, columns) for i, spec in enumerate(panels_raw, start=1))
    height = raw.get("height")
    return Template(
        path=path, title=title.strip(), panels=panels,
        title_en=_str(path, "title_en", raw.get("title_en", "")),
        subtitle=_str(path, "subtitle", raw.get("subtitle", "")),
        subtitle_en=_str(path, "subtitle_en", raw.get("subtitle_en", "")),
        note=_str(path, "note", raw.get("note", "")), note_en=_str(path, "note_en", raw.get("note_en", "")),
        as_of=parse_as_of(raw.get("as_of", "latest"), f"{path}: key 'as_of'"),
        lang=_check_choice(path, "lang", raw.get("lang", "zh"), LANGS),
        width=_check_range(path, "width", _int(path, "width", raw.get("width", 1600)), 480, 6000),
        height=None if height is None else _check_range(path, "height", _int(path, "height", height), 300, 12000),
        scale=_check_range(path, "scale", _num(path, "scale", raw.get("scale", 2)), 0.5, 6),
        columns=columns, queries=queries,
    )


def _query(path: Path, name: str, spec: object) -> Query:
    where = f"queries.{name}"
    spec = _table(path, where, spec)
    _unknown(path, where + ".", spec, _QUERY_KEYS)
    sql = spec.get("sql")
    if not isinstance(sql, str) or not _READ_ONLY_SQL.match(sql):
        raise BriefingError(f"{path}: key '{where}.sql' must be one SELECT or WITH statement.")
    date_col = spec.get("date")
    return Query(name, sql.strip().rstrip(";"), None if date_col is None else _str(path, f"{where}.date", date_col))


def _panel(path: Path, index: int, spec: object, queries: dict[str, Query], columns: int) -> Panel:
    where = f"panels[{index}]"
    spec = _table(path, where, spec)
    _unknown(path, where + ".", spec, _PANEL_KEYS)
    kind = _check_choice(path, f"{where}.type", spec.get("type", "chart"), PANEL_TYPES)
    chart = _check_choice(path, f"{where}.chart", spec.get("chart", "series"), CHARTS)
    series = spec.get("series", [])
    series = [series] if isinstance(series, str) else series
    if not isinstance(series, list) or not all(isinstance(s, str) and s for s in series):
        raise BriefingError(f"{path}: key '{where}.series' must be a series id or a list of series ids.")
    query = spec.get("query")
    if query is not None and query not in queries:
        raise BriefingError(f"{path}: key '{where}.query' names '{query}', which is not under [queries].")
    needs_query = kind == "chart" and chart in QUERY_CHARTS
    if needs_query and query is None:
        raise BriefingError(f"{path}: key '{where}.query' is required for a '{chart}' chart.")
    if not needs_query and not series and query is None:
        raise BriefingError(f"{path}: key '{where}.series' is required (or 'query').")
    if kind == "kpi" and len(series) > 1:
        raise BriefingError(f"{path}: key '{where}.series' must name one series for a kpi tile.")
    change = _check_choice(path, f"{where}.change", spec.get("change", "yoy"), CHANGES)
    target = spec.get("target")
    if change == "target" and target is None:
        raise BriefingError(f"{path}: key '{where}.target' is required when change = 'target'.")
    lists = {k: tuple(_str(path, f"{where}.{k}", v) for v in spec.get(k, [])) for k in ("columns", "headers", "headers_en")}
    height = spec.get("height")
    return Panel(
        type=kind, index=index, chart=chart, series=tuple(series), query=query,
        title=_str(path, f"{where}.title", spec.get("title", "")),
        title_en=_str(path, f"{where}.title_en", spec.get("title_en", "")),
        value=_str(path, f"{where}.value", spec.get("value", "value")), change=change,
        target=None if target is None else _num(path, f"{where}.target", target),
        target_label=_str(path, f"{where}.target_label", spec.get("target_label", "")),
        target_label_en=_str(path, f"{where}.target_label_en", spec.get("target_label_en", "")),
        span=_check_range(path, f"{where}.span", _int(path, f"{where}.span", spec.get("span", 1)), 1, columns),
        height=None if height is None else _check_range(path, f"{where}.height", _int(path, f"{where}.height", height),
                                                        80, 3000),
        transform=_check_choice(path, f"{where}.transform", spec.get("transform", "level"), TRANSFORMS),
        period=_check_choice(path, f"{where}.period", spec.get("period", "auto"), PERIODS),
        start=parse_as_of(spec.get("start"), f"{path}: key '{where}.start'"),
        base=parse_as_of(spec.get("base"), f"{path}: key '{where}.base'"),
        max_rows=_check_range(path, f"{where}.max_rows", _int(path, f"{where}.max_rows", spec.get("max_rows", 8)), 1, 50),
        sparkline=bool(spec.get("sparkline", True)),
        category=_str(path, f"{where}.category", spec.get("category", "defect_code")),
        count=_str(path, f"{where}.count", spec.get("count", "welds")),
        note=_str(path, f"{where}.note", spec.get("note", "")),
        note_en=_str(path, f"{where}.note_en", spec.get("note_en", "")),
        label=_str(path, f"{where}.label", spec.get("label", "")),
        label_en=_str(path, f"{where}.label_en", spec.get("label_en", "")),
        unit=_str(path, f"{where}.unit", spec.get("unit", "")),
        decimals=None if spec.get("decimals") is None else _check_range(
            path, f"{where}.decimals", _int(path, f"{where}.decimals", spec["decimals"]), 0, 6),
        **lists,
    )


# ---- small validators: each raises one line naming the file and the key ----------------------

def _unknown(path: Path, prefix: str, raw: dict[str, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            raise BriefingError(f"{path}: unknown key '{prefix}{key}' (allowed: {', '.join(sorted(allowed))}).")


def _table(path: Path, where: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BriefingError(f"{path}: key '{where}' must be a table.")
    return value


def _str(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise BriefingError(f"{path}: key '{key}' must be a string, not {value!r}.")
    return value


def _int(path: Path, key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BriefingError(f"{path}: key '{key}' must be a whole number, not {value!r}.")
    return value


def _num(path: Path, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BriefingError(f"{path}: key '{key}' must be a number, not {value!r}.")
    return float(value)


def _check_range(path: Path, key: str, value: Any, low: float, high: float) -> Any:
    if not low <= value <= high:
        raise BriefingError(f"{path}: key '{key}' must be between {low:g} and {high:g}, not {value}.")
    return value


def _check_choice(path: Path, key: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise BriefingError(f"{path}: key '{key}' must be one of {', '.join(choices)}, not {value!r}.")
    return str(value)
