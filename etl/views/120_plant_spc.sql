-- Control charts. p-chart: percent of welds failed per day, per robot and per line (robot NULL),
-- centre = the subject's whole-history failure rate, 3σ limits with each day's own n (LCL floored
-- at 0). Individuals / moving-range chart of batch recovery per gallium line: centre = mean,
-- limits = centre ± 3·MR̄/1.128, MR UCL = 3.267·MR̄.
CREATE OR REPLACE VIEW v_weld_pchart AS
WITH sub AS (
    SELECT day, plant, line, robot, welds AS n, welds - passed AS failed FROM plant_weld_robot_daily
    UNION ALL
    SELECT day, plant, line, NULL::VARCHAR, welds, welds - passed FROM plant_weld_line_daily
),
cen AS (
    SELECT plant, line, robot, sum(failed)::DOUBLE / sum(n) AS pbar FROM sub GROUP BY ALL
),
lim AS (
    SELECT s.day, s.plant, s.line, s.robot, s.n, 100.0 * s.failed / s.n AS p_pct, 100.0 * c.pbar AS center_pct,
           100.0 * sqrt(c.pbar * (1 - c.pbar) / s.n) AS sigma_pct
    FROM sub s JOIN cen c ON s.plant = c.plant AND s.line = c.line AND s.robot IS NOT DISTINCT FROM c.robot
)
SELECT day, plant, line, robot, n, p_pct, center_pct,
       greatest(0.0, center_pct - 3 * sigma_pct) AS lcl_pct,
       least(100.0, center_pct + 3 * sigma_pct) AS ucl_pct,
       p_pct > center_pct + 3 * sigma_pct OR p_pct < center_pct - 3 * sigma_pct AS out_of_control,
       sigma_pct
FROM lim;

CREATE OR REPLACE VIEW v_gallium_ichart AS
WITH b AS (
    SELECT batch_id, plant, line, started_at, ended_at, recovery_pct,
           abs(recovery_pct - lag(recovery_pct) OVER (PARTITION BY plant, line ORDER BY started_at, batch_id)) AS mr
    FROM v_gallium_batches
),
c AS (
    SELECT plant, line, avg(recovery_pct) AS center_pct, avg(mr) AS mr_bar FROM b GROUP BY ALL
)
SELECT b.batch_id, b.started_at, b.recovery_pct, c.center_pct,
       c.center_pct - 3 * c.mr_bar / 1.128 AS lcl_pct,
       c.center_pct + 3 * c.mr_bar / 1.128 AS ucl_pct,
       b.mr, 3.267 * c.mr_bar AS mr_ucl,
       coalesce(abs(b.recovery_pct - c.center_pct) > 3 * c.mr_bar / 1.128 OR b.mr > 3.267 * c.mr_bar, false)
           AS out_of_control,
       b.plant, b.line, b.ended_at, c.mr_bar, c.mr_bar / 1.128 AS sigma_pct
FROM b JOIN c USING (plant, line);

-- The same p-chart in yield terms (what managers read): yield = 100 - failed %, limits swapped.
CREATE OR REPLACE VIEW v_weld_yield_chart AS
SELECT day, plant, line, robot, n, 100 - p_pct AS yield_pct, 100 - center_pct AS center_pct,
       100 - ucl_pct AS lcl_pct, 100 - lcl_pct AS ucl_pct, out_of_control
FROM v_weld_pchart;
