-- title: 序列目录 / Series catalog with coverage
-- description: 每个序列的名称、单位以及数据仓库中的期间范围。 / Every series with its names, units and the span of periods the warehouse holds.
SELECT s.series_id, s.name_zh, s.name_en, s.category, s.unit, s.display_unit, s.frequency,
       count(o.series_id) AS observations, min(o.period_start) AS first, max(o.period_end) AS last
FROM series s LEFT JOIN v_observations o USING (series_id)
GROUP BY ALL
ORDER BY s.category, s.series_id
