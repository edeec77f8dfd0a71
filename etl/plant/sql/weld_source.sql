CREATE OR REPLACE TEMP TABLE plant_welds_src AS
SELECT plant, date AS day,
       CASE WHEN hour(ts) < 8 THEN 'night' WHEN hour(ts) < 16 THEN 'day' ELSE 'evening' END AS shift,
       line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
FROM read_parquet($files, hive_partitioning = true, hive_types = {'plant': VARCHAR, 'date': DATE});
