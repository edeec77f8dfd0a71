-- title: 序列历史 / History of one series
-- description: 某序列当前版本的每个观测值,最新在前,附来源文件与原文。 / Every current-vintage observation of a series, newest first, with its source document and quote.
-- param series_id: 序列 ID / series id = nf10_output
SELECT period_start, period_end, period_label, value, unit, display_value, display_unit,
       change_pct, change_kind, vintages, document, quote
FROM v_observations
WHERE series_id = :series_id
ORDER BY period_end DESC, period_start
