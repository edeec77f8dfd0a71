-- Each observation beside the same period a year earlier, joined on calendar keys (never row
-- offsets): same start shifted a year, same end shifted a year (a month end stays a month end,
-- so Feb 29 meets Feb 28). Rates compare in percentage points, levels in percent.
CREATE OR REPLACE VIEW v_yoy AS
SELECT cur.series_id, cur.name_zh, cur.name_en, cur.category, cur.kind, cur.unit,
       cur.display_unit, cur.period_start, cur.period_end,
       cur.value, prev.value AS value_prev_year,
       CASE WHEN cur.kind = 'rate' OR cur.unit IN ('%', 'pp') THEN NULL
            WHEN prev.value IS NULL OR prev.value = 0 THEN NULL
            ELSE round((cur.value / prev.value - 1) * 100, 4) END AS change_pct_computed,
       CASE WHEN cur.kind = 'rate' OR cur.unit IN ('%', 'pp')
            THEN round(cur.value - prev.value, 4) END AS change_pp_computed,
       cur.change_pct AS change_pct_published,
       cur.change_kind AS change_kind_published
FROM v_observations cur
LEFT JOIN v_observations prev
  ON prev.series_id = cur.series_id
 AND prev.period_start = CAST(cur.period_start - INTERVAL 1 YEAR AS DATE)
 AND (prev.period_end = CAST(cur.period_end - INTERVAL 1 YEAR AS DATE)
      OR (cur.period_end = last_day(cur.period_end)
          AND prev.period_end = last_day(CAST(cur.period_end - INTERVAL 1 YEAR AS DATE))));
