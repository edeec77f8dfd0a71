-- Western Electric rules over the control charts, one row per (point, rule) that fires. Zones are
-- in σ units of each point (for the p-chart, σ with the day's own n). The point that completes a
-- pattern is flagged. On a p-chart the lower side is only judged where the LCL is above 0 (with few
-- expected failures, a day without any is not a signal). The MR chart is judged by rule 1 only.
CREATE OR REPLACE VIEW v_spc_alerts AS
WITH pts AS (
    SELECT 'plant_' || lower(replace(line, '-', '_')) || coalesce('_' || lower(robot), '') || '_fpy_d' AS series_id,
           'p' AS chart, line || coalesce('/' || robot, '') AS subject, day AS period_start, day AS period_end,
           day::TIMESTAMP AS t, p_pct AS value, center_pct AS center, sigma_pct AS sigma, lcl_pct > 0 AS lower_ok
    FROM v_weld_pchart
    UNION ALL
    SELECT 'plant_' || lower(replace(line, '-', '_')) || '_recovery_b', 'i', batch_id,
           started_at::DATE, ended_at::DATE, started_at, recovery_pct, center_pct, sigma_pct, true
    FROM v_gallium_ichart
),
z AS (
    SELECT *, CASE WHEN sigma > 0 THEN (value - center) / sigma END AS z FROM pts
),
w AS (
    SELECT *,
        count(*) FILTER (WHERE z > 2) OVER w3 AS hi2, count(*) FILTER (WHERE z < -2) OVER w3 AS lo2,
        count(*) FILTER (WHERE z > 1) OVER w5 AS hi1, count(*) FILTER (WHERE z < -1) OVER w5 AS lo1,
        count(*) FILTER (WHERE z > 0) OVER w8 AS hi0, count(*) FILTER (WHERE z < 0) OVER w8 AS lo0
    FROM z
    WINDOW w3 AS (PARTITION BY chart, series_id ORDER BY t, subject ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
           w5 AS (PARTITION BY chart, series_id ORDER BY t, subject ROWS BETWEEN 4 PRECEDING AND CURRENT ROW),
           w8 AS (PARTITION BY chart, series_id ORDER BY t, subject ROWS BETWEEN 7 PRECEDING AND CURRENT ROW)
),
fired AS (
    SELECT *, 'WE1: 1 point beyond 3σ' AS rule, 3 AS k, 'above' AS side FROM w WHERE z > 3
    UNION ALL SELECT *, 'WE1: 1 point beyond 3σ', 3, 'below' FROM w WHERE z < -3 AND lower_ok
    UNION ALL SELECT *, 'WE2: 2 of 3 points beyond 2σ', 2, 'above' FROM w WHERE z > 2 AND hi2 >= 2
    UNION ALL SELECT *, 'WE2: 2 of 3 points beyond 2σ', 2, 'below' FROM w WHERE z < -2 AND lo2 >= 2 AND lower_ok
    UNION ALL SELECT *, 'WE3: 4 of 5 points beyond 1σ', 1, 'above' FROM w WHERE z > 1 AND hi1 >= 4
    UNION ALL SELECT *, 'WE3: 4 of 5 points beyond 1σ', 1, 'below' FROM w WHERE z < -1 AND lo1 >= 4 AND lower_ok
    UNION ALL SELECT *, 'WE4: 8 points in a row on one side', 0, 'above' FROM w WHERE hi0 = 8
    UNION ALL SELECT *, 'WE4: 8 points in a row on one side', 0, 'below' FROM w WHERE lo0 = 8 AND lower_ok
)
SELECT series_id, chart, rule, period_start, period_end, subject, value,
       center + (CASE side WHEN 'above' THEN 1 ELSE -1 END) * k * sigma AS "limit",
       center,
       format('{} {:.4f} is {} the {} line ({:.4f}; centre {:.4f}, z = {:.2f})', CASE chart WHEN 'p'
              THEN 'failed %' ELSE 'recovery %' END, value, side,
              CASE k WHEN 0 THEN 'centre' ELSE k::VARCHAR || 'σ' END,
              center + (CASE side WHEN 'above' THEN 1 ELSE -1 END) * k * sigma, center, z) AS detail
FROM fired
UNION ALL
SELECT 'plant_' || lower(replace(line, '-', '_')) || '_recovery_b', 'mr', 'WE1: 1 point beyond 3σ',
       started_at::DATE, ended_at::DATE, batch_id, mr, mr_ucl, mr_bar,
       format('moving range {:.4f} is above the MR UCL ({:.4f}; MR̄ {:.4f})', mr, mr_ucl, mr_bar)
FROM v_gallium_ichart WHERE mr > mr_ucl;
