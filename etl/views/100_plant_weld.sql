-- Welding line KPIs per day, shift and robot, from the aggregate tables kept by etl/plant/kpi.py.
CREATE OR REPLACE VIEW v_weld_daily AS
SELECT day, plant, line, robot, welds, passed,
       100.0 * passed / welds AS first_pass_yield_pct,
       vdrop_p50_mv, vdrop_p95_mv, vdrop_p99_mv,
       current_mean_a, current_sd_a, temperature_mean_c, temperature_sd_c, simulated
FROM plant_weld_robot_daily;

CREATE OR REPLACE VIEW v_weld_line_daily AS
SELECT day, plant, line, welds, passed,
       100.0 * passed / welds AS first_pass_yield_pct,
       vdrop_p50_mv, vdrop_p95_mv, vdrop_p99_mv, simulated
FROM plant_weld_line_daily;

CREATE OR REPLACE VIEW v_weld_shift AS
SELECT day, shift, plant, line, robot, welds, passed,
       100.0 * passed / welds AS first_pass_yield_pct,
       vdrop_p50_mv, vdrop_p95_mv, vdrop_p99_mv,
       current_mean_a, temperature_mean_c, simulated
FROM plant_weld_robot_shift;

CREATE OR REPLACE VIEW v_weld_defects AS
SELECT day, plant, line, robot, defect_code,
       CASE defect_code WHEN 'POR' THEN 'porosity' WHEN 'LOF' THEN 'lack of fusion' WHEN 'CRK' THEN 'crack'
                        WHEN 'HVD' THEN 'joint voltage drop too high' WHEN 'MIS' THEN 'misalignment'
                        WHEN 'UNSPECIFIED' THEN 'failed without a defect code' END AS defect_name,
       welds
FROM plant_weld_defects;
