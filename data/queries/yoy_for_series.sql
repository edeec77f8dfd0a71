-- title: 同比表 / Year-on-year table for one series
-- description: 每期与上年同期并列;计算的变化与公布的变化并列。 / Each period beside the same period a year earlier; computed change beside the published one.
-- param series_id: 序列 ID / series id = nf10_output
SELECT period_start, period_end, value, value_prev_year,
       change_pct_computed, change_pp_computed, change_pct_published, change_kind_published
FROM v_yoy
WHERE series_id = :series_id
ORDER BY period_end DESC
