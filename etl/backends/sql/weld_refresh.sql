-- DuckLake: the aggregates recomputed at derive from the lake table (the file backend computes them
-- from the staged rows at load, etl/plant/sql/*_aggregates.sql); the statements of the file backend before that change.
-- Recompute the weld aggregates of the (plant, day)s in plant_refresh from the temp table
-- plant_welds_src (all of those days' Parquet rows). One statement per `;`-terminated block.
DELETE FROM plant_weld_robot_shift t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
DELETE FROM plant_weld_robot_daily t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
DELETE FROM plant_weld_line_daily t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
DELETE FROM plant_weld_defects t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
INSERT INTO plant_weld_robot_shift
SELECT day, shift, plant, line, robot, count(*), count(*) FILTER (WHERE passed),
       quantile_cont(vdrop_mv, 0.5), quantile_cont(vdrop_mv, 0.95), quantile_cont(vdrop_mv, 0.99),
       avg(current_a), avg(temperature_c), bool_or(simulated)
FROM plant_welds_src GROUP BY day, shift, plant, line, robot;
INSERT INTO plant_weld_robot_daily
SELECT day, plant, line, robot, count(*), count(*) FILTER (WHERE passed),
       quantile_cont(vdrop_mv, 0.5), quantile_cont(vdrop_mv, 0.95), quantile_cont(vdrop_mv, 0.99),
       avg(current_a), stddev_samp(current_a), avg(temperature_c), stddev_samp(temperature_c), bool_or(simulated)
FROM plant_welds_src GROUP BY day, plant, line, robot;
INSERT INTO plant_weld_line_daily
SELECT day, plant, line, count(*), count(*) FILTER (WHERE passed),
       quantile_cont(vdrop_mv, 0.5), quantile_cont(vdrop_mv, 0.95), quantile_cont(vdrop_mv, 0.99), bool_or(simulated)
FROM plant_welds_src GROUP BY day, plant, line;
INSERT INTO plant_weld_defects
SELECT day, plant, line, robot, defect_code, count(*)
FROM plant_welds_src WHERE NOT passed GROUP BY day, plant, line, robot, defect_code;
