-- Runs in the plant file's own connection over plant_welds_src (weld_source.sql). One SELECT per
-- aggregate table, in the order of etl.plant.kpi.AGGREGATES["weld"], columns in the table's order;
-- each result is handed to the warehouse as agg_<table> (a few rows per day) for weld_refresh.sql.
-- The three voltage-drop quantiles are one quantile_cont over a list (q): one pass over each
-- group's values instead of three.
SELECT day, shift, plant, line, robot, n, passed, q[1], q[2], q[3], current_mean, temperature_mean, simulated
FROM (SELECT day, shift, plant, line, robot, count(*) AS n, count(*) FILTER (WHERE passed) AS passed,
             quantile_cont(vdrop_mv, [0.5, 0.95, 0.99]) AS q, avg(current_a) AS current_mean,
             avg(temperature_c) AS temperature_mean, bool_or(simulated) AS simulated
      FROM plant_welds_src GROUP BY day, shift, plant, line, robot);
SELECT day, plant, line, robot, n, passed, q[1], q[2], q[3], current_mean, current_sd, temperature_mean,
       temperature_sd, simulated
FROM (SELECT day, plant, line, robot, count(*) AS n, count(*) FILTER (WHERE passed) AS passed,
             quantile_cont(vdrop_mv, [0.5, 0.95, 0.99]) AS q, avg(current_a) AS current_mean,
             stddev_samp(current_a) AS current_sd, avg(temperature_c) AS temperature_mean,
             stddev_samp(temperature_c) AS temperature_sd, bool_or(simulated) AS simulated
      FROM plant_welds_src GROUP BY day, plant, line, robot);
SELECT day, plant, line, n, passed, q[1], q[2], q[3], simulated
FROM (SELECT day, plant, line, count(*) AS n, count(*) FILTER (WHERE passed) AS passed,
             quantile_cont(vdrop_mv, [0.5, 0.95, 0.99]) AS q, bool_or(simulated) AS simulated
      FROM plant_welds_src GROUP BY day, plant, line);
SELECT day, plant, line, robot, defect_code, count(*)
FROM plant_welds_src WHERE NOT passed GROUP BY day, plant, line, robot, defect_code;
