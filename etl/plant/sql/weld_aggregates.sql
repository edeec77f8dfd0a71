-- Runs in the plant file's own connection over plant_welds_src (weld_source.sql). One SELECT per
-- aggregate table, in the order of etl.plant.kpi.AGGREGATES["weld"], columns in the table's order;
-- each result is handed to the warehouse as agg_<table> (a few rows per day) for weld_refresh.sql.
SELECT day, shift, plant, line, robot, count(*), count(*) FILTER (WHERE passed),
       quantile_cont(vdrop_mv, 0.5), quantile_cont(vdrop_mv, 0.95), quantile_cont(vdrop_mv, 0.99),
       avg(current_a), avg(temperature_c), bool_or(simulated)
FROM plant_welds_src GROUP BY day, shift, plant, line, robot;
SELECT day, plant, line, robot, count(*), count(*) FILTER (WHERE passed),
       quantile_cont(vdrop_mv, 0.5), quantile_cont(vdrop_mv, 0.95), quantile_cont(vdrop_mv, 0.99),
       avg(current_a), stddev_samp(current_a), avg(temperature_c), stddev_samp(temperature_c), bool_or(simulated)
FROM plant_welds_src GROUP BY day, plant, line, robot;
SELECT day, plant, line, count(*), count(*) FILTER (WHERE passed),
       quantile_cont(vdrop_mv, 0.5), quantile_cont(vdrop_mv, 0.95), quantile_cont(vdrop_mv, 0.99), bool_or(simulated)
FROM plant_welds_src GROUP BY day, plant, line;
SELECT day, plant, line, robot, defect_code, count(*)
FROM plant_welds_src WHERE NOT passed GROUP BY day, plant, line, robot, defect_code;
