"""Everything a briefing shows, read in one read-only session of the published warehouse.

As-of semantics (docs/briefings.md): a briefing for date D shows observations whose period ends on
or before D. When a period was published more than once (vintages), it shows the latest vintage
published on or before D; a period whose every vintage came out after D shows its first release
(a briefing for September shows September's figure even though it was published in October, but
not the revision published next spring). Documents without a publication date count as known.
"latest" is the most recent date of any data the briefing shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard.briefing.template import BriefingError, Query, Template
from etl import provenance
from etl.read import connect_readonly, frame

FAR_FUTURE = date(9999, 12, 31)
PLANT_VIEW = re.compile(r"\bv_(weld|gallium|spc)\w*", re.IGNORECASE)
VIEW_NAME = re.compile(r"\b(v_\w+)", re.IGNORECASE)
MISSING_NAME = re.compile(r"with name (\w+) does not exist", re.IGNORECASE)

OBSERVATIONS_AS_OF = """
WITH ranked AS (
    SELECT o.*, d.published, d.file_name AS document, d.simulated,
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
       r.document, r.quote, coalesce(r.simulated, false) AS simulated, r.source_url, r.published,
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
    documents: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # publishers of undated rows, most cited first
    loaded_on: date | None = None  # when those undated rows were loaded
    views: list[str] = field(default_factory=list)
    plant_logs: int = 0
    simulated: bool = False


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
        queries = {name: _run(con, template.queries[name], cutoff) for name in sorted(used)}
        if requested is None:
            cutoff = _latest(obs, queries, template)
            queries = {name: _run(con, template.queries[name], cutoff) for name in sorted(used)}
        plant_logs, plant_simulated = _plant_documents(con, template, used)
    except duckdb.Error as exc:
        raise BriefingError(f"{template.path}: a query failed ({str(exc).splitlines()[0]}).") from None
    finally:
        con.close()
    return Gathered(
        template=template, as_of=cutoff, requested=requested, observations=obs, queries=queries,
        known_series=known, warehouse_number=int(info.get("version", 0)), published_at=str(info.get("published_at", "")),
        documents=_dated_publishers(obs), hosts=_hosts(obs), loaded_on=_loaded_on(obs),
        views=sorted({v.lower() for n in used for v in VIEW_NAME.findall(template.queries[n].sql)}),
        plant_logs=plant_logs,
        simulated=plant_simulated or (obs.height > 0 and bool(obs.get_column("simulated").any())),
    )


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


def _latest(obs: pl.DataFrame, queries: dict[str, QueryResult], template: Template) -> date:
    """The most recent date of any data the briefing shows (series period ends, query date columns)."""
    dates: list[date] = []
    if obs.height:
        dates.append(obs.get_column("period_end").max())  # type: ignore[arg-type]
    for name, result in queries.items():
        column = template.queries[name].date
        if column and column in result.frame.columns and result.frame.height:
            value = result.frame.get_column(column).max()
            if value is not None:
                dates.append(value.date() if hasattr(value, "date") and callable(value.date) else value)  # type: ignore[union-attr]
    return max(dates) if dates else FAR_FUTURE


def _plant_documents(con: duckdb.DuckDBPyConnection, template: Template, used: set[str]) -> tuple[int, bool]:
    """How many plant logs stand behind the plant views the briefing reads, and whether any is simulated."""
    if not any(PLANT_VIEW.search(template.queries[name].sql) for name in used):
        return 0, False
    row = con.execute("SELECT count(*), coalesce(bool_or(simulated), false) FROM documents WHERE kind = 'plant_log'").fetchone()
    return (int(row[0]), bool(row[1])) if row else (0, False)


def _dated_publishers(obs: pl.DataFrame) -> list[str]:
    """"publisher date" of every dated source the briefing shows (a person can look it up)."""
    if obs.is_empty():
        return []
    dated = obs.filter(pl.col("published").is_not_null()).select(
        pl.coalesce(pl.col("publisher"), pl.col("document")).alias("who"), "published").unique()
    return sorted(f"{who} {published}" for who, published in dated.iter_rows())


def _undated(obs: pl.DataFrame) -> pl.DataFrame:
    return obs.filter(pl.col("published").is_null()) if obs.height else obs


def _hosts(obs: pl.DataFrame) -> list[str]:
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


def _loaded_on(obs: pl.DataFrame) -> date | None:
    rows = _undated(obs)
    return rows.get_column("loaded_on").max() if rows.height else None  # type: ignore[return-value]
