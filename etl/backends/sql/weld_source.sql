-- DuckLake: the weld rows of the refreshed (plant, day)s, from the lake table (cf. etl/plant/sql).
CREATE OR REPLACE TEMP TABLE plant_welds_src AS
SELECT plant, date AS day,
       CASE WHEN hour(ts) < 8 THEN 'night' WHEN hour(ts) < 16 THEN 'day' ELSE 'evening' END AS shift,
       line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
FROM telemetry_weld t SEMI JOIN temp.plant_refresh r ON r.plant = t.plant AND r.day = t.date;
