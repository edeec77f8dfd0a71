"""Checks a document's new observations before they can become current (run per file, in its
transaction): provenance is filled in, legacy change kinds get their one meaning, statistics on
another index base say why they stay unmapped, and vintages that conflict with the current value,
or are implausible, are held for `pulse review` instead of reaching a chart.

A held observation is stored with status 'held' and a reason; obs_current skips it until accepted.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import date

import duckdb

from etl import provenance
from etl.catalog import Catalog, base_from_text, could_state_base_sql
from etl.errors import PulseError
from etl.settings import Settings


@dataclass(frozen=True)
class Tolerance:
    level_pct: float  # relative, for levels
    rate: float  # absolute, for rates in % or pp

    def exceeded(self, new: float, old: float, is_rate: bool) -> tuple[bool, str]:
        """(beyond tolerance?, the difference in words)."""
        if is_rate:
            diff = new - old
            return abs(diff) > self.rate + 1e-9, f"{diff:+.2f} (tolerance {self.rate:g})"
        if old == 0:
            return new != 0, "from zero"
        rel = (new / old - 1) * 100
        return abs(rel) > self.level_pct + 1e-9, f"{rel:+.2f} % (tolerance {self.level_pct:g} %)"


def check_document(con: duckdb.DuckDBPyConnection, document_id: str, catalog: Catalog, settings: Settings) -> int:
    """Fill provenance and bases, hold what must be reviewed; returns how many rows were held."""
    con.execute("UPDATE observations SET change_kind = 'yoy' WHERE document_id = ? AND change_kind = 'vs_prev_year'",
                [document_id])
    _apply_published_rules(con, document_id, settings.published_rules)
    _fill_provenance(con, document_id)
    _fill_bases(con, document_id, catalog)
    tol = Tolerance(settings.review_level_tolerance_pct, settings.review_rate_tolerance)
    held = _hold(con, _base_mismatches(con, document_id))
    held += _hold(con, _conflicts(con, document_id, tol))
    implied = Tolerance(settings.review_implied_tolerance_pct, settings.review_rate_tolerance)
    held += _hold(con, _implied_mismatches(con, document_id, implied, settings.review_implied_kinds))
    held += _hold(con, _outside_history(con, document_id, settings.review_history_factor))
    return held


def published_by_rule(file_name: str, rules: tuple[str, ...]) -> date | None:
    """The date of the first `PATTERN=YYYY-MM-DD` rule whose pattern matches the file name."""
    for rule in rules:
        pattern, sep, when = rule.rpartition("=")
        try:
            day = date.fromisoformat(when.strip()) if sep else None
        except ValueError:
            day = None
        if day is None or not pattern.strip():
            raise PulseError(f"setting published_rules: '{rule}' is not PATTERN=YYYY-MM-DD; fix it in pulse.toml.")
        if fnmatch.fnmatch(file_name, pattern.strip()):
            return day
    return None


def _apply_published_rules(con: duckdb.DuckDBPyConnection, document_id: str, rules: tuple[str, ...]) -> None:
    if not rules:
        return
    name, published = con.execute("SELECT file_name, published FROM documents WHERE document_id = ?",
                                  [document_id]).fetchone()
    day = None if published else published_by_rule(name, rules)
    if day:
        con.execute("UPDATE documents SET published = ? WHERE document_id = ?", [day, document_id])


def _fill_provenance(con: duckdb.DuckDBPyConnection, document_id: str) -> None:
    rows = con.execute("SELECT DISTINCT source_url FROM observations WHERE document_id = ? AND source_url IS NOT NULL",
                       [document_id]).fetchall()
    by_url = {url: provenance.publisher_of(url) for (url,) in rows}
    known = {url: publisher for url, publisher in by_url.items() if publisher is not None}
    if known:  # one UPDATE for every URL, of the rows still without one (a table's rows got theirs at insert)
        import pyarrow as pa

        con.register("_pulse_publishers", pa.table({"url": pa.array(list(known), pa.string()),
                                                    "publisher": pa.array(list(known.values()), pa.string())}))
        try:
            con.execute("UPDATE observations SET publisher = p.publisher FROM _pulse_publishers p "
                        "WHERE observations.document_id = ? AND observations.source_url = p.url "
                        "AND observations.publisher IS NULL", [document_id])
        finally:
            con.unregister("_pulse_publishers")
    doc_pub, doc_url = con.execute("SELECT publisher, source_url FROM documents WHERE document_id = ?",
                                   [document_id]).fetchone()
    # a table citing one page throughout: that page is the document's; several pages: each row cites its own
    if doc_url is None and len(by_url) == 1:
        doc_url = next(iter(by_url))
    if doc_pub is None:
        publishers = set(by_url.values())
        doc_pub = provenance.publisher_of(doc_url) if doc_url else (publishers.pop() if len(publishers) == 1 else None)
    con.execute("UPDATE documents SET publisher = ?, source_url = ? WHERE document_id = ?",
                [doc_pub, doc_url, document_id])


def _could_state(column: str) -> str:
    return could_state_base_sql(f"coalesce({column}, '')")


def _fill_bases(con: duckdb.DuckDBPyConnection, document_id: str, catalog: Catalog) -> None:
    rows = con.execute(
        "SELECT obs_id, quote, unit_as_written, index_base, series_id, indicator, subject, unit, period_start,"
        " period_end FROM observations WHERE document_id = ? AND (series_id IS NULL OR (index_base IS NULL AND"
        f" ({_could_state('unit_as_written')} OR {_could_state('quote')})))",
        [document_id]).fetchall()  # a row whose texts cannot state a base is not read into Python
    updates = []
    for obs_id, quote, unit_written, base, series_id, indicator, subject, unit, start, end in rows:
        base = base or base_from_text(unit_written) or base_from_text(quote)
        reason = None
        if series_id is None and base:
            reason = catalog.match_with_reason(indicator or "", subject or "", unit, start, end, base)[1]
        if base or reason:
            updates.append((base, reason, obs_id))
    _update_by_id(con, "index_base = u.a, unmapped_reason = u.b", updates)


def _base_mismatches(con: duckdb.DuckDBPyConnection, document_id: str) -> list[tuple[str, int]]:
    """A table naming an index series but stating another base (指数(2005=100) on a 2015=100 series)."""
    rows = con.execute("""
        SELECT o.obs_id, o.index_base, s.base, s.series_id FROM observations o JOIN series s USING (series_id)
        WHERE o.document_id = ? AND o.status = 'ok' AND o.index_base IS NOT NULL AND s.base IS NOT NULL
          AND o.index_base <> s.base""", [document_id]).fetchall()
    return [(f"base {stated}, series {sid} base {base}", obs_id) for obs_id, stated, base, sid in rows]


# The series-periods this document states, and a row of `o` stating one of them: a hash join on
# the three columns (a tuple IN (SELECT (...)) compared structs, several times slower on 1M rows).
_DOC_KEYS = "SELECT DISTINCT series_id, period_start, period_end FROM observations WHERE document_id = $doc AND series_id IS NOT NULL"
_SAME_KEY = ("k.series_id = o.series_id AND k.period_start IS NOT DISTINCT FROM o.period_start "
             "AND k.period_end IS NOT DISTINCT FROM o.period_end")

# The best vintage of each series-period among rows that may be current, this document's included.
_RANKED = f"""
    SELECT o.obs_id, o.series_id, o.period_start, o.period_end, o.value, o.document_id, o.status,
           coalesce(o.publisher, d.publisher) AS publisher, d.published, s.kind, s.unit,
           s.display_factor, coalesce(s.display_unit, '') AS display_unit,
           row_number() OVER (PARTITION BY o.series_id, o.period_start, o.period_end
                              ORDER BY d.published DESC NULLS LAST, o.load_id DESC, o.obs_id DESC) AS rk
    FROM observations o SEMI JOIN ({_DOC_KEYS}) k ON {_SAME_KEY}
    JOIN documents d USING (document_id) JOIN series s USING (series_id)
    WHERE o.status IN ('ok', 'accepted') AND o.value IS NOT NULL
"""


def _conflicts(con: duckdb.DuckDBPyConnection, document_id: str, tol: Tolerance) -> list[tuple[str, int]]:
    """New vintages that would become current but differ from the current value beyond tolerance,
    unless the same (known) publisher revised its own figure."""
    if not _has_other_vintages(con, document_id):
        return []  # a first statement of every period: nothing to conflict with, no ranking needed
    rows = con.execute(f"""
        WITH r AS ({_RANKED}),
        prev AS (SELECT * FROM r WHERE document_id <> $doc
                 QUALIFY row_number() OVER (PARTITION BY series_id, period_start, period_end ORDER BY rk) = 1)
        SELECT n.obs_id, n.value, p.value, n.kind = 'rate' OR n.unit IN ('%', 'pp'), n.publisher, p.publisher,
               p.published, p.display_factor, p.display_unit
        FROM r n JOIN prev p USING (series_id, period_start, period_end)
        WHERE n.document_id = $doc AND n.rk = 1 AND n.status = 'ok'""", {"doc": document_id}).fetchall()
    held = []
    for obs_id, new, old, is_rate, pub_new, pub_old, published, factor, dunit in rows:
        if pub_new is not None and pub_new == pub_old:
            continue
        beyond, diff = tol.exceeded(new, old, is_rate)
        if beyond:
            where = ", ".join(str(x) for x in (pub_old, published) if x is not None) or "undated table"
            held.append((f"conflicts with the current value {old / factor:g}{dunit} ({where}): {diff}", obs_id))
    return held


def _has_other_vintages(con: duckdb.DuckDBPyConnection, document_id: str) -> bool:
    # A first load holds no other document's rows: one filtered scan says so, without hashing the
    # document's distinct keys for the join (0.19 s at 1M rows, issue 17).
    if not con.execute("SELECT EXISTS (SELECT 1 FROM observations WHERE document_id <> ?)",
                       [document_id]).fetchone()[0]:
        return False
    return con.execute(f"""
        SELECT EXISTS (SELECT 1 FROM observations o SEMI JOIN ({_DOC_KEYS}) k ON {_SAME_KEY}
                       WHERE o.document_id <> $doc)""", {"doc": document_id}).fetchone()[0]


def _implied_mismatches(con: duckdb.DuckDBPyConnection, document_id: str, tol: Tolerance,
                        kinds: tuple[str, ...]) -> list[tuple[str, int]]:
    """A published YoY implies last year's level; it must agree with the stored one."""
    if not kinds:
        return []
    rows = con.execute("""
        WITH cur AS (  -- ranked only for the periods a year before this document's YoY values
            SELECT o.series_id, o.period_start, o.period_end, o.value
            FROM observations o SEMI JOIN (
                  SELECT DISTINCT series_id, CAST(period_start - INTERVAL 1 YEAR AS DATE) AS period_start,
                         CAST(period_end - INTERVAL 1 YEAR AS DATE) AS period_end
                  FROM observations WHERE document_id = $doc AND change_kind = 'yoy' AND change_pct IS NOT NULL) k
                ON k.series_id = o.series_id AND k.period_start IS NOT DISTINCT FROM o.period_start
                   AND k.period_end IS NOT DISTINCT FROM o.period_end
            JOIN documents d USING (document_id)
            WHERE o.status IN ('ok', 'accepted') AND o.series_id IS NOT NULL AND o.value IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY o.series_id, o.period_start, o.period_end
                                       ORDER BY d.published DESC NULLS LAST, o.load_id DESC, o.obs_id DESC) = 1
        )
        SELECT n.obs_id, n.value, n.change_pct, p.value, year(p.period_end), s.display_factor,
               coalesce(s.display_unit, '')
        FROM observations n JOIN series s USING (series_id)
        JOIN cur p ON p.series_id = n.series_id
             AND p.period_start = CAST(n.period_start - INTERVAL 1 YEAR AS DATE)
             AND p.period_end = CAST(n.period_end - INTERVAL 1 YEAR AS DATE)
        WHERE n.document_id = $doc AND n.status = 'ok' AND n.change_kind = 'yoy' AND n.change_pct IS NOT NULL
          AND s.kind IN (SELECT unnest($kinds)) AND s.unit NOT IN ('%', 'pp') AND p.value <> 0
    """, {"doc": document_id, "kinds": list(kinds)}).fetchall()
    held = []
    for obs_id, value, change, prev, prev_year, factor, dunit in rows:
        implied = value / (1 + change / 100)
        beyond, diff = tol.exceeded(implied, prev, False)
        if beyond:
            held.append((f"published YoY {change:+g} % implies {prev_year} = {implied / factor:.4g}{dunit}, "
                         f"stored {prev / factor:g}{dunit}: {diff}", obs_id))
    return held


def _outside_history(con: duckdb.DuckDBPyConnection, document_id: str, factor: float) -> list[tuple[str, int]]:
    """A positive level far beyond every other current value of its series (a unit or scale slip)."""
    rows = con.execute("""
        WITH hist AS (
            SELECT o.series_id, min(o.value) AS lo, max(o.value) AS hi, count(*) AS n
            FROM observations o
            WHERE o.status IN ('ok', 'accepted') AND o.series_id IS NOT NULL AND o.document_id <> $doc
            GROUP BY o.series_id HAVING n >= 3 AND min(o.value) > 0
        )
        SELECT n.obs_id, n.value, h.lo, h.hi, s.display_factor, coalesce(s.display_unit, '')
        FROM observations n JOIN hist h USING (series_id) JOIN series s USING (series_id)
        WHERE n.document_id = $doc AND n.status = 'ok' AND s.kind <> 'rate' AND n.value > 0
          AND (n.value > h.hi * $f OR n.value < h.lo / $f)
    """, {"doc": document_id, "f": factor}).fetchall()
    return [(f"{value / df:g}{du} lies outside {factor:g}× the series' history "
             f"({lo / df:g}{du} .. {hi / df:g}{du})", obs_id) for obs_id, value, lo, hi, df, du in rows]


def _hold(con: duckdb.DuckDBPyConnection, held: list[tuple[str, int]]) -> int:
    _update_by_id(con, "status = 'held', hold_reason = u.a", [(reason, None, obs_id) for reason, obs_id in held])
    return len(held)


def _update_by_id(con: duckdb.DuckDBPyConnection, assignments: str, rows: list[tuple]) -> None:
    """One UPDATE for many observations, from (a, b, obs_id) rows: executemany costs about a
    millisecond a row, which a large table's holds would pay per row (issue 17)."""
    if not rows:
        return
    import pyarrow as pa

    con.register("_pulse_updates", pa.table({
        "a": pa.array([r[0] for r in rows], pa.string()), "b": pa.array([r[1] for r in rows], pa.string()),
        "obs_id": pa.array([r[2] for r in rows], pa.int64())}))
    try:
        con.execute(f"UPDATE observations SET {assignments} FROM _pulse_updates u WHERE observations.obs_id = u.obs_id")
    finally:
        con.unregister("_pulse_updates")
