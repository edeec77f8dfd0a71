-- title: 各类别最新值 / Latest value of every series in a category
-- description: 每个序列一行:最近一期、按显示单位的数值和公布的变化。 / One row per series: its most recent period, value in display units, and the published change.
-- param category: 类别 / category (output, price, credit, innovation, finance, plant) = output
SELECT series_id, name_zh, name_en, period_label, period_start, period_end,
       display_value, display_unit, change_pct, change_kind, document
FROM v_latest
WHERE category = :category
ORDER BY series_id
