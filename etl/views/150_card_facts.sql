-- The Overview's cards, computed once at publish instead of by every first visitor (issue 16: the
-- cold Overview spent ~0.3 s of 0.68 s on this at the large size). One row per family (a series and
-- its year-to-date / monthly / quarterly twins): the family's freshest figure leads (the same period
-- end: the coarser figure first, then the shape with more points, then the id); its change is the
-- published YoY where one is stored, else computed on calendar keys (the same period a year
-- earlier, a month end staying a month end); a sparkline of its last 24 figures of the same shape
-- and, for a cumulative series, the same cumulation length (Jan–Sep beside Jan–Sep, never a
-- zigzag across lengths). Only each series' last three years are read, as the cards need no more.
-- `stale` depends on today's date and is added by the reader (dashboard/cards.py), which must give
-- the same frame as its polars reference (build_cards; tests/dashboard/test_cards.py).
CREATE OR REPLACE TABLE card_facts AS
WITH per_series AS (  -- grouped on two columns, not a window over every wide row (issue 17)
    SELECT series_id, count(*) AS points, max(period_end) AS last_end FROM v_observations GROUP BY series_id
),
obs AS (
    SELECT series_id, name_zh, name_en, subject, category, kind, cumulative, family, frequency,
           period_start, period_end, display_value AS value, coalesce(display_unit, '') AS unit, change_pct,
           change_kind, derived, document, quote, simulated, publisher, published, loaded_on, source_link,
           document_title, p.points
    FROM v_observations JOIN per_series p USING (series_id)
    WHERE period_end >= p.last_end - INTERVAL 3 YEAR
),
shaped AS (  -- the shape of each period: as dashboard/transforms.py span_expr
    SELECT *,
           CASE WHEN period_start = period_end THEN 'P'
                WHEN is_full AND n_months = 1 THEN 'M'
                WHEN is_full AND n_months = 3 AND (month(period_start) - 1) % 3 = 0 THEN 'Q'
                WHEN is_full AND n_months = 12 THEN 'A'
                WHEN is_full AND month(period_start) = 1 THEN 'YTD'
                WHEN date_diff('day', period_start, period_end) < 1 THEN 'D'
                ELSE 'X' END AS span,
           coalesce(family, series_id) AS family_root
    FROM (SELECT *,
                 day(period_start) = 1 AND last_day(period_end) = period_end
                     AND year(period_start) = year(period_end) AS is_full,
                 (year(period_end) - year(period_start)) * 12 + month(period_end) - month(period_start) + 1
                     AS n_months
          FROM obs)
),
leads AS (
    SELECT family_root, series_id, span
    FROM (SELECT family_root, series_id, span, max(period_end) AS last_end, count(*) AS n
          FROM shaped GROUP BY ALL)
    QUALIFY row_number() OVER (
        PARTITION BY family_root
        ORDER BY last_end DESC,
                 CASE span WHEN 'A' THEN 0 WHEN 'Q' THEN 1 WHEN 'YTD' THEN 2 WHEN 'M' THEN 3 WHEN 'P' THEN 4
                           WHEN 'D' THEN 5 WHEN 'X' THEN 6 ELSE 9 END,
                 n DESC, series_id) = 1
),
kept AS (
    SELECT s.* EXCLUDE (is_full, n_months),
           CASE WHEN last_day(period_start) = period_start THEN last_day(period_start - INTERVAL 1 YEAR)
                ELSE CAST(period_start - INTERVAL 1 YEAR AS DATE) END AS start_year_earlier,
           CASE WHEN last_day(period_end) = period_end THEN last_day(period_end - INTERVAL 1 YEAR)
                ELSE CAST(period_end - INTERVAL 1 YEAR AS DATE) END AS end_year_earlier,
           unit IN ('%', 'pp', '个百分点') AS is_rate
    FROM shaped s JOIN leads l USING (series_id, span)
),
latest AS (
    SELECT * FROM kept
    QUALIFY row_number() OVER (PARTITION BY series_id ORDER BY period_end DESC, period_start DESC) = 1
),
changes AS (  -- the lead's change: published first (levels only), else computed
    SELECT cur.series_id,
           coalesce(CASE WHEN cur.change_kind = 'yoy' AND NOT cur.is_rate THEN cur.change_pct END,
                    CASE WHEN cur.is_rate THEN cur.value - prev.value
                         WHEN prev.value <> 0 THEN (cur.value / prev.value - 1) * 100 END) AS change,
           CASE WHEN cur.is_rate THEN 'pp' ELSE '%' END AS change_unit,
           CASE WHEN (CASE WHEN cur.change_kind = 'yoy' AND NOT cur.is_rate THEN cur.change_pct END) IS NULL
                THEN true ELSE cur.derived END AS change_computed
    FROM latest cur
    LEFT JOIN kept prev ON prev.series_id = cur.series_id AND prev.period_start = cur.start_year_earlier
                       AND prev.period_end = cur.end_year_earlier
),
cumulation AS (  -- months covered by a to-date figure of a cumulative series (Jan–Sep = 9), else NULL
    SELECT k.*,
           CASE WHEN c.is_cumulative AND month(period_start) = 1 AND day(period_start) = 1
                     AND year(period_start) = year(period_end) AND period_start <> period_end
                THEN month(period_end) - month(period_start) + 1 END AS months_covered
    FROM kept k
    JOIN (SELECT series_id, bool_or(coalesce(cumulative, false)) OR bool_or(span = 'YTD') AS is_cumulative
          FROM kept GROUP BY series_id) c USING (series_id)
),
spark AS (
    SELECT series_id, list(value ORDER BY period_end, period_start) AS spark,
           list(period_end ORDER BY period_end, period_start) AS spark_x
    FROM (SELECT c.* FROM cumulation c
          JOIN (SELECT series_id, months_covered AS latest_covered FROM cumulation
                QUALIFY row_number() OVER (PARTITION BY series_id ORDER BY period_end DESC, period_start DESC) = 1)
               USING (series_id)
          WHERE latest_covered IS NULL OR months_covered = latest_covered
          QUALIFY row_number() OVER (PARTITION BY series_id ORDER BY period_end DESC, period_start DESC) <= 24)
    GROUP BY series_id
)
SELECT l.series_id, l.name_zh, l.name_en, l.subject, l.category, l.kind, l.cumulative, l.family, l.frequency,
       l.period_start, l.period_end, l.value, l.unit, l.change_pct, l.change_kind, l.derived, l.document,
       l.quote, l.simulated, l.publisher, l.published, l.loaded_on, l.source_link, l.document_title,
       l.span, l.family_root, ch.change, CASE WHEN ch.change IS NOT NULL THEN ch.change_unit END AS change_unit,
       CASE WHEN ch.change IS NOT NULL THEN ch.change_computed END AS change_computed,
       sp.spark, sp.spark_x, l.points
FROM latest l
LEFT JOIN changes ch USING (series_id)
LEFT JOIN spark sp USING (series_id)
ORDER BY l.series_id;
