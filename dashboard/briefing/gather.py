"""Everything a briefing shows, read in one read-only session of the published warehouse.

As-of semantics (docs/briefings.md): a briefing for date D shows observations whose period ends on
or before D. When a period was published more than once (vintages), it shows the latest vintage
published on or before D; a period whose every vintage came out after D shows its first release
(a briefing for September shows September's figure even though it was published in October, but
not the revision published next spring). Documents without a publication date count as known.
"latest" is the most recent date of any data the briefing shows: the newest period a panel draws
(after its period and start filters), or the newest row date of a query. Queries that look back
from $as_of ("the last 30 days") are first run as of the newest date in the views they read, so
the header never names an older day than the data shown (nor 9999-12-31 when there is none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard import transforms
from dashboard.briefing.template import BriefingError, Query, Template
from dashboard.i18n import pick
from etl import provenance
from etl.read import connect_readonly, frame

FAR_FUTURE = date(9999, 12, 31)
PLANT_VIEW = re.compile(r"\bv_(weld|gallium|spc)\w*", re.IGNORECASE)
VIEW_NAME = re.compile(r"\b(v_\w+)", re.IGNORECASE)
MISSING_NAME = re.compile(r"with name (\w+) does not exist", re.IGNORECASE)
URL_LIKE = re.compile(r"^\s*https?://", re.IGNORECASE)
PLANT_LINES = ("weld", "gallium")  # v_spc_alerts is computed from both
KIND_NAMES = {"bulletin": ("公报", "bulletin"), "long_table": ("数据表", "data table"),
              "wide_table": ("数据表", "data table"), "pdf": ("报告", "report")}

OBSERVATIONS_AS_OF = """
WITH ranked AS (
    SELECT o.*, d.published, d.file_name AS document, d.title AS document_title, d.kind AS document_kind,
           d.simulated,
           coalesce(o.publisher, d.publisher) AS source_publisher, CAST(l.started_at AS DATE) AS loaded_on,
           row_number() OVER (
               PARTITION BY o.series_id, o.period_start, o.period_end
               ORDER BY (d.published IS NULL OR d.published <= $as_of) DESC,
                        CASE WHEN d.published IS NULL OR d.published <= $as_of THEN d.published END DESC NULLS LAST,
                        CASE WHEN d.published > $as_of THEN d.published END ASC,
                        o.load_id DESC, o.obs_id DESC
           ) AS vintage_rank
    FROM observations o JOIN documents d USING (document_id) LEFT JOIN loads l ON l.load_id = o.load_id
    WHERE o.series_id IN (SELECT unnest($ids)) AND o.period_end <= $as_of
      AND o.status IN ('ok', 'accepted')  -- held or rejected vintages never reach a briefing
)
SELECT r.series_id, s.name_zh, s.name_en, s.subject, s.category, s.kind, s.cumulative,
       r.period_start, r.period_end, r.value / s.display_factor AS value,
       coalesce(s.display_unit, '') AS unit, r.change_pct, r.change_kind, coalesce(r.derived, false) AS derived,
       r.document, r.document_title, r.document_kind, r.quote, coalesce(r.simulated, false) AS simulated, r.source_url, r.published,
       r.source_publisher AS publisher, r.loaded_on
FROM ranked r JOIN series s USING (series_id)
WHERE r.vintage_rank = 1
ORDER BY r.series_id, r.period_end, r.period_start
"""


@dataclass
class QueryResult:
    frame: pl.DataFrame
    missing: str | None = None  # the relation that is not in the warehouse yet


@dataclass
class Gathered:
    template: Template
    as_of: date  # the date printed in the header
    requested: date | None  # the --as-of / template date; None = latest
    observations: pl.DataFrame
    queries: dict[str, QueryResult]
    known_series: dict[str, tuple[str, str]]  # series_id -> (name_zh, name_en), from the catalog
    warehouse_number: int
    published_at: str
    documents: list[str] = field(default_factory=list)  # "publisher date" / "title date", never a file name
    hosts: list[str] = field(default_factory=list)  # publishers of undated rows, most cited first
    loaded_on: date | None = None  # when those undated rows were loaded
    views: list[str] = field(default_factory=list)
    plant_lines: list[str] = field(default_factory=list)  # "weld", "gallium": the production lines the plant views are about
    plant_logs: int = 0
    simulated: bool = False
    shown_until: date | None = None  # the newest data the page shows (the header's date); None: nothing


def gather(db: Path, template: Template) -> Gathered:
    """Read the template's series and saved queries as of its date, with sources and the version."""
    requested = template.as_of
    cutoff = requested or FAR_FUTURE
    con = connect_readonly(db)
    try:
        info = dict(frame(con, "SELECT key, value FROM warehouse_info").iter_rows())
        known = {sid: (zh or sid, en or zh or sid) for sid, zh, en in
                 frame(con, "SELECT series_id, name_zh, name_en FROM series").iter_rows()}
        obs = _observations(con, template.series_ids(), cutoff)
        used = {p.query for p in template.panels if p.query}
        if requested is None:
            cutoff, queries = _run_latest(con, template, used, obs)
            shown_until = None if cutoff == FAR_FUTURE else cutoff
        else:  # the data as it stood on that day; the header names its newest row
            queries = _run_all(con, template, used, cutoff)
            shown_until = _shown_until(_series_shown_until(obs, template), queries, template)
        plant_logs, plant_simulated = _plant_documents(con, template, used)
    except duckdb.Error as exc:
        raise BriefingError(f"{template.path}: a query failed ({str(exc).splitlines()[0]}).") from None
    finally:
        con.close()
    views = sorted({v.lower() for n in used for v in VIEW_NAME.findall(template.queries[n].sql)})
    shown = shown_observations(obs, template)
    return Gathered(
        template=template, as_of=cutoff, requested=requested, observations=obs, queries=queries,
        shown_until=shown_until,
        known_series=known, warehouse_number=int(info.get("version", 0)), published_at=str(info.get("published_at", "")),
        documents=dated_sources(shown, template.lang), hosts=source_hosts(shown), loaded_on=undated_loaded_on(shown),
        views=views, plant_lines=[line for line in PLANT_LINES if any(v.startswith(f"v_{line}") for v in views)],
        plant_logs=plant_logs,
        simulated=plant_simulated or (shown.height > 0 and bool(shown.get_column("simulated").any())),
    )


def _run_all(con: duckdb.DuckDBPyConnection, template: Template, used: set[str], cutoff: date) -> dict[str, QueryResult]:
    return {name: _run(con, template.queries[name], cutoff) for name in sorted(used)}


def _run_latest(con: duckdb.DuckDBPyConnection, template: Template, used: set[str],
                obs: pl.DataFrame) -> tuple[date, dict[str, QueryResult]]:
    """Queries as of the newest data, and that date (the newest any panel shows).

    A query windowed on $as_of returns nothing as of 9999-12-31, so it is first run as of the
    newest date in the views it reads; if what it then shows ends earlier, it is run again as of
    that date, so "the last 30 days" and the printed date agree."""
    series_until = _series_shown_until(obs, template)
    probe = max([d for d in (series_until, _newest_in_views(con, template, used)) if d is not None], default=None)
    if probe is None:
        return FAR_FUTURE, _run_all(con, template, used, FAR_FUTURE)
    queries = _run_all(con, template, used, probe)
    shown = _shown_until(series_until, queries, template) or probe
    if shown < probe:
        queries = _run_all(con, template, used, shown)
        shown = _shown_until(series_until, queries, template) or shown
    return shown, queries


def _observations(con: duckdb.DuckDBPyConnection, ids: tuple[str, ...], cutoff: date) -> pl.DataFrame:
    if not ids:
        return pl.DataFrame()
    return frame(con, OBSERVATIONS_AS_OF, {"ids": list(ids), "as_of": cutoff})


def _run(con: duckdb.DuckDBPyConnection, query: Query, cutoff: date) -> QueryResult:
    params: dict[str, Any] = {"as_of": cutoff} if "$as_of" in query.sql else {}
    try:
        result = frame(con, query.sql, params or None)
    except duckdb.CatalogException as exc:
        found = MISSING_NAME.search(str(exc))
        return QueryResult(pl.DataFrame(), missing=found.group(1) if found else query.name)
    return QueryResult(result)


def shown_observations(obs: pl.DataFrame, template: Template) -> pl.DataFrame:
    """The rows the series panels draw, after their period and start filters (a tile of annual
    figures shows 2025 even when monthly figures run into 2026): what the as-of date and the
    footer's sources are about."""
    parts = []
    for panel in template.panels:
        if panel.query or not panel.series or obs.is_empty():
            continue
        part = transforms.select_span(obs.filter(pl.col("series_id").is_in(list(panel.series))),
                                      None if panel.period == "auto" else panel.period)
        if panel.type == "chart":
            part = transforms.in_range(part, panel.start, None)
        parts.append(part.select(obs.columns))
    return pl.concat(parts).unique(maintain_order=True) if parts else obs.clear()


def _series_shown_until(obs: pl.DataFrame, template: Template) -> date | None:
    shown = shown_observations(obs, template)
    return shown.get_column("period_end").max() if shown.height else None  # type: ignore[return-value]


def _shown_until(series_until: date | None, queries: dict[str, QueryResult], template: Template) -> date | None:
    """The most recent date of any data the briefing shows (series period ends, query date columns)."""
    dates: list[date] = [series_until] if series_until else []
    for name, result in queries.items():
        column = template.queries[name].date
        if column and column in result.frame.columns and result.frame.height:
            value = result.frame.get_column(column).max()
            if value is not None:
                dates.append(_as_date(value))
    return max(dates, default=None)


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _newest_in_views(con: duckdb.DuckDBPyConnection, template: Template, used: set[str]) -> date | None:
    """The newest DATE/TIMESTAMP value in the views and tables the used queries read."""
    names = sorted({v.lower() for n in used for v in VIEW_NAME.findall(template.queries[n].sql)})
    if not names:
        return None
    columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE lower(table_name) IN "
        "(SELECT unnest($names)) AND (data_type = 'DATE' OR data_type LIKE 'TIMESTAMP%')", {"names": names}).fetchall()
    newest = [con.execute(f'SELECT max("{col}")::DATE FROM "{table}"').fetchone()[0] for table, col in columns]  # noqa: S608 - names from the catalog
    return max((d for d in newest if d is not None), default=None)


def _plant_documents(con: duckdb.DuckDBPyConnection, template: Template, used: set[str]) -> tuple[int, bool]:
    """How many plant logs stand behind the plant views the briefing reads, and whether any is simulated."""
    if not any(PLANT_VIEW.search(template.queries[name].sql) for name in used):
        return 0, False
    row = con.execute("SELECT count(*), coalesce(bool_or(simulated), false) FROM documents WHERE kind = 'plant_log'").fetchone()
    return (int(row[0]), bool(row[1])) if row else (0, False)


def dated_sources(obs: pl.DataFrame, lang: str) -> list[str]:
    """"publisher date" of every dated source the briefing shows (a person can look it up):
    the publisher, else the document's title, else the site of its URL; never a file name."""
    if obs.is_empty():
        return []
    dated = obs.filter(pl.col("published").is_not_null()).select(
        "publisher", "document_title", "document", "source_url", "document_kind", "published").unique()
    names = {f"{source_name(*row[:5], lang=lang)} {row[5]}" for row in dated.iter_rows()}
    return sorted(names)


def source_name(publisher: str | None, title: str | None, file_name: str | None, url: str | None,
                kind: str | None, lang: str = "zh") -> str:
    """A document as people know it: publisher, a real title, the site behind its URL, or its kind."""
    if publisher:
        return publisher
    stem = Path(file_name or "").stem
    if title and not URL_LIKE.match(title) and title not in (file_name, stem):
        return title
    site = provenance.publisher_of(url) or (provenance.publisher_of(title) if title and URL_LIKE.match(title) else None)
    return site or pick(KIND_NAMES.get(kind or "", ("文件", "document")), lang)


def _undated(obs: pl.DataFrame) -> pl.DataFrame:
    return obs.filter(pl.col("published").is_null()) if obs.height else obs


def source_hosts(obs: pl.DataFrame) -> list[str]:
    """Publishers of the undated reference rows (named from their URLs), most cited first (ties by name)."""
    rows = _undated(obs)
    if rows.is_empty():
        return []
    counts: dict[str, int] = {}
    for who, url in rows.select("publisher", "source_url").iter_rows():
        who = who or provenance.publisher_of(url)
        if who:
            counts[who] = counts.get(who, 0) + 1
    return [h for h, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def undated_loaded_on(obs: pl.DataFrame) -> date | None:
    rows = _undated(obs)
    return rows.get_column("loaded_on").max() if rows.height else None  # type: ignore[return-value]
