"""The normalize stage for a table source's observations in bulk (issue 17): the same decisions as
etl.normalize makes for a strict source (every row must map), made once per DISTINCT series id, (unit, series unit) pair and (indicator, subject,
unit, period shape, index base), then joined onto every row in SQL.

Scaling is exact: a value is handed over as its decimal digits and power of ten, a unit's factor
(万 = 1e4, 亿 = 1e8, 万亿 = 1e12) is a Decimal, so scaling adds exponents and the one rounding is
DuckDB's correctly rounded cast of 'digits e exponent' to DOUBLE, as float(Decimal) rounds.
"""

from __future__ import annotations

from decimal import Decimal

from etl.catalog import Catalog, base_from_text, could_state_base_sql
from etl.records import ObservationTable
from etl.sources._frame import temp_name
from etl.sources._report import BadRows
from etl.units import UnitError, dimension_of, parse_unit

# Each row of the hand-off beside the decisions taken once per distinct value (both queries below).
# A condition on the hand-off's row alone (o.index_base IS NULL, no series id) is folded into a join
# key as a CASE that is NULL when it fails: left as a separate ON term, DuckDB plans the LEFT JOIN as
# a nested loop over every row x every map row (18 s on a wide file of 1M cells instead of 0.1 s).
_JOINED = """
FROM {obs} o
LEFT JOIN {series} s ON s.written = o.series_id
LEFT JOIN {units} u ON u.written = o.unit_as_written AND u.expected IS NOT DISTINCT FROM s.expected
LEFT JOIN {bases} b ON b.text = CASE WHEN o.index_base IS NULL THEN o.base_text END
LEFT JOIN {matches} m ON m.indicator = CASE WHEN coalesce(o.series_id, '') = '' THEN o.indicator END
     AND m.subject = o.subject AND m.unit IS NOT DISTINCT FROM u.canonical AND m.cumulative = {cumulative}
     AND m.base IS NOT DISTINCT FROM coalesce(o.index_base, b.base)
"""

# The normalized rows' columns (the observations table's, less document_id and load_id).
NORMALIZED_SQL = """
SELECT coalesce(s.series_id, m.series_id) AS series_id, o.subject, o.indicator, o.period_label,
       o.period_start, o.period_end,
       CASE WHEN u.coefficient = 1 THEN CAST(o.value_digits || 'e' || (o.value_exp + u.exponent) AS DOUBLE)
            -- a factor that is no power of ten: an exact integer product (38 digits), then the exponent
            ELSE CAST(CAST(CAST(o.value_digits AS DECIMAL(38, 0)) * u.coefficient AS VARCHAR)
                      || 'e' || (o.value_exp + u.exponent) AS DOUBLE) END AS value,
       u.canonical AS unit, o.value_as_written, o.unit_as_written,
       o.change_pct, o.change_kind, o.derived, o.quote, o.source_url, o.row AS source_row, o.index_base,
       p.publisher
{joined}LEFT JOIN {publishers} p ON p.url = o.source_url
""".replace("{joined}", _JOINED.lstrip("\n"))

PROBLEMS_SQL = """
SELECT o.row, coalesce(s.problem, u.problem, m.problem) || '.' AS problem
{joined}WHERE coalesce(s.problem, u.problem, m.problem) IS NOT NULL
ORDER BY o.ord
""".replace("{joined}", _JOINED.lstrip("\n"))

# Jan 1 .. a month end other than Jan 31 and Dec 31 in one year (etl.catalog.is_cumulative_period)
CUMULATIVE_SQL = ("(o.period_start IS NOT NULL AND o.period_end IS NOT NULL AND o.period_start <> o.period_end "
                  "AND month(o.period_start) = 1 AND day(o.period_start) = 1 AND month(o.period_end) NOT IN (1, 12) "
                  "AND year(o.period_end) = year(o.period_start))")


class NormalizedTable:
    """The maps of one table's distinct decisions, as temporary tables on the table's connection."""

    def __init__(self, table: ObservationTable, catalog: Catalog, extra_series: set[str]):
        self.table, self.con, self.catalog, self.extra = table, table.con, catalog, extra_series
        self.names = {k: temp_name(f"norm_{k}") for k in ("series", "units", "bases", "matches", "publishers")}
        self._series_map()
        self._unit_map()
        self._base_map()
        self._match_map()
        self._publisher_map()

    def _sql(self, template: str) -> str:
        return template.format(obs=self.table.name, cumulative=CUMULATIVE_SQL, **self.names)

    def problems(self, file_name: str, max_reported: int) -> BadRows:
        bad = BadRows(file_name, max_reported)
        bad.add_query(self.con, self._sql(PROBLEMS_SQL))
        return bad

    def select_sql(self) -> str:
        """The normalized rows (canonical units, series ids, the publisher of each row's cited page)
        as one SELECT on the table's connection."""
        return self._sql(NORMALIZED_SQL)

    def close(self) -> None:
        for name in self.names.values():
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def _distinct(self, sql: str) -> list[tuple]:
        return self.con.execute(sql.format(obs=self.table.name, cumulative=CUMULATIVE_SQL, **self.names)).fetchall()

    def _store(self, key: str, columns: dict[str, tuple[str, list]]) -> None:
        import pyarrow as pa

        arrow = pa.table({c: pa.array(values, type=getattr(pa, kind)()) for c, (kind, values) in columns.items()})
        self.con.register("_pulse_map", arrow)
        try:
            self.con.execute(f"CREATE TABLE {self.names[key]} AS SELECT * FROM _pulse_map")
        finally:
            self.con.unregister("_pulse_map")

    def _series_map(self) -> None:
        """Each distinct series id as written: the series, its canonical unit, or why it is unknown."""
        written = [w for (w,) in self._distinct("SELECT DISTINCT series_id FROM {obs} WHERE series_id <> ''")]
        ids, expected, problems = [], [], []
        for name in written:
            series = self.catalog.resolve_id(name)
            ids.append(series.id if series else name)
            expected.append(series.unit if series else None)
            problems.append(None if series or name in self.extra else
                            f"unknown series '{name}'; add it to data/catalog.toml or fix the id")
        self._store("series", {"written": ("string", written), "series_id": ("string", ids),
                               "expected": ("string", expected), "problem": ("string", problems)})

    def _unit_map(self) -> None:
        """Each distinct (unit as written, the series' unit): canonical unit and exact factor, or why not."""
        pairs = self._distinct("SELECT DISTINCT o.unit_as_written, s.expected FROM {obs} o "
                               "LEFT JOIN {series} s ON s.written = o.series_id")
        canonical, coefficient, exponent, problems = [], [], [], []
        for written, expected in pairs:
            try:
                unit = parse_unit(written)
                if expected is not None and expected != unit.canonical and dimension_of(expected) != unit.dimension:
                    raise UnitError(f"unit '{written or '(none)'}' does not fit a series measured in {expected}")
            except UnitError as exc:
                canonical.append(None), coefficient.append(None), exponent.append(None)
                problems.append(f"{exc}; fix the unit or the series id")
                continue
            digits, power = _factor_parts(unit.factor)
            canonical.append(unit.canonical), coefficient.append(digits), exponent.append(power)
            problems.append(None)
        self._store("units", {
            "written": ("string", [p[0] for p in pairs]), "expected": ("string", [p[1] for p in pairs]),
            "canonical": ("string", canonical), "coefficient": ("int64", coefficient),
            "exponent": ("int64", exponent), "problem": ("string", problems)})

    def _base_map(self) -> None:
        """The index base stated in each distinct text of rows that name no series."""
        texts = [t for (t,) in self._distinct(
            "SELECT DISTINCT base_text FROM {obs} WHERE coalesce(series_id, '') = '' AND index_base IS NULL "
            f"AND base_text IS NOT NULL AND {could_state_base_sql('base_text')}")]
        self._store("bases", {"text": ("string", texts), "base": ("string", [base_from_text(t) for t in texts])})

    def _match_map(self) -> None:
        """Each distinct (indicator, subject, unit, period shape, base) of rows that name no series."""
        keys = self._distinct("""
            SELECT DISTINCT o.indicator, o.subject, u.canonical, {cumulative}, coalesce(o.index_base, b.base)
            FROM {obs} o
            LEFT JOIN {units} u ON u.written = o.unit_as_written AND u.expected IS NULL
            LEFT JOIN {bases} b ON b.text = CASE WHEN o.index_base IS NULL THEN o.base_text END
            WHERE coalesce(o.series_id, '') = '' AND u.problem IS NULL""")
        ids, problems = [], []
        for indicator, subject, unit, cumulative, base in keys:
            series = self.catalog.match(indicator, subject, unit, index_base=base, cumulative=cumulative)
            ids.append(series.id if series else None)
            problems.append(None if series else f"indicator '{indicator}' matches no catalog series; add an alias to data/catalog.toml")
        self._store("matches", {
            "indicator": ("string", [k[0] for k in keys]), "subject": ("string", [k[1] for k in keys]),
            "unit": ("string", [k[2] for k in keys]), "cumulative": ("bool_", [k[3] for k in keys]),
            "base": ("string", [k[4] for k in keys]), "series_id": ("string", ids),
            "problem": ("string", problems)})


    def _publisher_map(self) -> None:
        """The publisher of each distinct cited page, decided here rather than by rewriting every
        stored row afterwards (etl.holds fills only rows still without one)."""
        from etl.provenance import publisher_of

        urls = [u for (u,) in self._distinct("SELECT DISTINCT source_url FROM {obs} WHERE source_url IS NOT NULL")]
        self._store("publishers", {"url": ("string", urls), "publisher": ("string", [publisher_of(u) for u in urls])})


def _factor_parts(factor: Decimal) -> tuple[int, int]:
    """A factor as integer digits and a power of ten: 1e4 -> (1, 4), 0.001 -> (1, -3), 2.5 -> (25, -1)."""
    sign, digits, power = factor.normalize().as_tuple()
    value = int("".join(map(str, digits)))
    return (-value if sign else value), int(power)


def normalize_table(table: ObservationTable, catalog: Catalog, extra_series: set[str], file_name: str,
                    max_reported: int) -> NormalizedTable:
    """The table's rows normalized (see `NormalizedTable.select_sql`), or one SourceError naming every
    row that cannot be stored (up to `max_reported`, then "and N more"), as etl.normalize does."""
    normalized = NormalizedTable(table, catalog, extra_series)
    try:
        normalized.problems(file_name, max_reported).raise_if_any()
    except BaseException:
        normalized.close()
        raise
    return normalized

