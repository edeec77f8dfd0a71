-- Runs in the plant file's own connection over plant_welds_src (weld_source.sql). Statement 1 reads
-- the batch's rows once for the three groupings (GROUPING SETS) into plant_weld_sets (a few rows a
-- day); then one SELECT per aggregate table, in the order of etl.plant.kpi.AGGREGATES["weld"],
-- columns in the table's order; each result is handed to the warehouse as agg_<table> for
-- weld_refresh.sql. The three voltage-drop quantiles are one quantile_cont over a list (q).
CREATE OR REPLACE TEMP TABLE plant_weld_sets AS
SELECT grouping(shift, robot) AS g, day, shift, plant, line, robot, count(*) AS n,
       count(*) FILTER (WHERE passed) AS passed, quantile_cont(vdrop_mv, [0.5, 0.95, 0.99]) AS q,
       avg(current_a) AS current_mean, stddev_samp(current_a) AS current_sd, avg(temperature_c) AS temperature_mean,
       stddev_samp(temperature_c) AS temperature_sd, bool_or(simulated) AS simulated
FROM plant_welds_src
GROUP BY GROUPING SETS ((day, shift, plant, line, robot), (day, plant, line, robot), (day, plant, line));
SELECT day, shift, plant, line, robot, n, passed, q[1], q[2], q[3], current_mean, temperature_mean, simulated
FROM plant_weld_sets WHERE g = 0;
SELECT day, plant, line, robot, n, passed, q[1], q[2], q[3], current_mean, current_sd, temperature_mean,
       temperature_sd, simulated
FROM plant_weld_sets WHERE g = 2;
SELECT day, plant, line, n, passed, q[1], q[2], q[3], simulated
FROM plant_weld_sets WHERE g = 3;
SELECT day, plant, line, robot, defect_code, count(*)
FROM plant_welds_src WHERE NOT passed GROUP BY day, plant, line, robot, defect_code;
