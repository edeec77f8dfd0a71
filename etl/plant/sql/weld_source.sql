-- Runs in the plant file's own connection (etl.plant.kpi.aggregate_staged): the rows the weld
-- aggregates of the file's (plant, day)s are computed from. Its good staged rows, in hand, and the
-- rows of the same days' earlier parts (plant_earlier: empty unless an earlier file wrote those days),
-- for the days {first} .. {last}: quantiles hold their values in memory, so the aggregates run a
-- week at a time. The dates are literals filled in by kpi.py so each batch's scan skips the other
-- days' row groups (the rows are in time order); a getvariable() filter did not, and 90 days peaked at 2.2 GB.
CREATE OR REPLACE TEMP VIEW plant_welds_src AS
SELECT plant, date AS day,
       CASE WHEN hour(ts) < 8 THEN 'night' WHEN hour(ts) < 16 THEN 'day' ELSE 'evening' END AS shift,
       line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
FROM (SELECT plant, date, ts, line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
      FROM staged WHERE reason IS NULL AND date BETWEEN DATE '{first}' AND DATE '{last}'
      UNION ALL
      SELECT plant, date, ts, line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
      FROM plant_earlier WHERE date BETWEEN DATE '{first}' AND DATE '{last}');
