-- Where a published year-on-year change and the one computed from the stored values differ by
-- more than 0.2 pp. NBS computes growth on a comparable caliber (enterprises in scope both years),
-- so such differences are expected: they are listed for a person to see, never silently replaced.
CREATE OR REPLACE VIEW v_change_check AS
SELECT series_id, name_zh, name_en, period_start, period_end, value, value_prev_year,
       change_pct_published, change_pct_computed,
       round(change_pct_published - change_pct_computed, 2) AS difference_pp
FROM v_yoy
WHERE change_kind_published = 'yoy' AND change_pct_published IS NOT NULL AND change_pct_computed IS NOT NULL
  AND abs(change_pct_published - change_pct_computed) > 0.2
ORDER BY series_id, period_end;
