-- KPI observations (category plant) for the (plant, day)s in plant_refresh, from the aggregate
-- tables. Series ids follow plant_<line>[_<robot>]_<metric>; rows whose id is not in the catalog
-- (`series`) are skipped, the aggregates still show them. plant_refresh.document_id (a file of this
-- load that wrote the day) and $load_id tag the rows; a later recompute of the same day supersedes.
INSERT INTO observations (series_id, subject, indicator, period_label, period_start, period_end, value, unit,
                          value_as_written, unit_as_written, derived, document_id, quote, load_id)
WITH days AS (SELECT DISTINCT plant, day FROM plant_refresh),
line_fpy AS (
    SELECT l.*, 100.0 * passed / welds AS fpy FROM plant_weld_line_daily l JOIN days USING (plant, day)
),
robot AS (
    SELECT r.*, 100.0 * passed / welds AS fpy FROM plant_weld_robot_daily r JOIN days USING (plant, day)
),
shift AS (
    SELECT day, plant, line, shift, sum(welds) AS welds, sum(passed) AS passed
    FROM plant_weld_robot_shift JOIN days USING (plant, day) GROUP BY ALL
),
defects AS (
    SELECT d.day, d.plant, d.line, d.defect_code, sum(d.welds) AS n, any_value(l.welds) AS welds
    FROM plant_weld_defects d JOIN days USING (plant, day)
    JOIN plant_weld_line_daily l USING (plant, day, line) GROUP BY ALL
),
ga AS (
    SELECT plant, line, day, count(*) AS batches, sum(gallium_in_kg) AS gin, sum(gallium_recovered_kg) AS gout
    FROM plant_gallium_batches JOIN days USING (plant, day) GROUP BY ALL
),
kpi AS (
    SELECT plant, line, day, 'fpy_d' AS metric, fpy AS value, '%' AS unit, 'first-pass yield' AS indicator,
           day::VARCHAR AS label, format('{:,} of {:,} welds passed', passed, welds) AS quote FROM line_fpy
    UNION ALL SELECT plant, line, day, 'welds_d', welds, 'count', 'welds', day::VARCHAR,
           format('{:,} welds', welds) FROM line_fpy
    UNION ALL SELECT plant, line, day, 'vdrop_p50_d', vdrop_p50_mv, 'mV', 'joint voltage drop p50', day::VARCHAR,
           format('median of {:,} welds', welds) FROM line_fpy
    UNION ALL SELECT plant, line, day, 'vdrop_p95_d', vdrop_p95_mv, 'mV', 'joint voltage drop p95', day::VARCHAR,
           format('95th percentile of {:,} welds', welds) FROM line_fpy
    UNION ALL SELECT plant, line, day, 'vdrop_p99_d', vdrop_p99_mv, 'mV', 'joint voltage drop p99', day::VARCHAR,
           format('99th percentile of {:,} welds', welds) FROM line_fpy
    UNION ALL SELECT plant, line || '_' || robot, day, 'fpy_d', fpy, '%', 'first-pass yield', day::VARCHAR,
           format('{:,} of {:,} welds passed', passed, welds) FROM robot
    UNION ALL SELECT plant, line || '_' || robot, day, 'vdrop_p95_d', vdrop_p95_mv, 'mV', 'joint voltage drop p95',
           day::VARCHAR, format('95th percentile of {:,} welds', welds) FROM robot
    UNION ALL SELECT plant, line, day, 'fpy_' || shift, 100.0 * passed / welds, '%', 'first-pass yield, ' || shift || ' shift',
           day::VARCHAR || ' ' || shift, format('{:,} of {:,} welds passed', passed, welds) FROM shift
    UNION ALL SELECT plant, line, day, 'defects_' || lower(defect_code) || '_d', n, 'count', 'failed welds, ' || defect_code,
           day::VARCHAR, format('{:,} of {:,} welds failed with {}', n, welds, defect_code) FROM defects
    UNION ALL SELECT plant, line, day, 'recovery_d', 100.0 * gout / gin, '%', 'gallium recovery', day::VARCHAR,
           format('{:.3f} kg recovered of {:.3f} kg in {} batches', gout, gin, batches) FROM ga
    UNION ALL SELECT plant, line, day, 'recovered_d', gout, 'kg', 'gallium recovered', day::VARCHAR,
           format('{} batches', batches) FROM ga
    UNION ALL SELECT plant, line, day, 'batches_d', batches, 'count', 'gallium batches', day::VARCHAR,
           format('{} batches', batches) FROM ga
)
SELECT 'plant_' || lower(replace(line, '-', '_')) || '_' || metric, plant || ' ' || replace(line, '_', ' '), indicator,
       label, day, day, value, unit,
       CASE WHEN unit = 'count' THEN CAST(CAST(value AS BIGINT) AS VARCHAR) ELSE printf('%.4f', value) END,
       unit, true, r.document_id, quote, $load_id
FROM kpi JOIN plant_refresh r USING (plant, day)
WHERE value IS NOT NULL
  AND 'plant_' || lower(replace(line, '-', '_')) || '_' || metric IN (SELECT series_id FROM series);
