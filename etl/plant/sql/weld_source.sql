-- Runs in the plant file's own connection (etl.plant.kpi.aggregate_staged): the rows the weld
-- aggregates of the file's (plant, day)s are computed from, for the days {first} .. {last}
-- (quantiles hold their values in memory, so the aggregates run a week at a time; the dates are
-- literals filled in by kpi.py so each batch's scan skips the other days' row groups).
-- Statement 1: the file's good staged rows alone (the usual case). Statement 2: those plus the rows
-- of the same days' earlier parts (plant_earlier), when an earlier file wrote those days. Two
-- statements because a UNION ALL with even an empty table made 90 days peak at 2.2 GB here.
CREATE OR REPLACE TEMP VIEW plant_welds_src AS
SELECT plant, date AS day,
       CASE WHEN hour(ts) < 8 THEN 'night' WHEN hour(ts) < 16 THEN 'day' ELSE 'evening' END AS shift,
       line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
FROM staged WHERE reason IS NULL AND date BETWEEN DATE '{first}' AND DATE '{last}';
CREATE OR REPLACE TEMP VIEW plant_welds_src AS
SELECT plant, date AS day,
       CASE WHEN hour(ts) < 8 THEN 'night' WHEN hour(ts) < 16 THEN 'day' ELSE 'evening' END AS shift,
       line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
FROM (SELECT plant, date, ts, line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
      FROM staged WHERE reason IS NULL AND date BETWEEN DATE '{first}' AND DATE '{last}'
      UNION ALL
      SELECT plant, date, ts, line, robot, passed, defect_code, vdrop_mv, current_a, temperature_c, simulated
      FROM plant_earlier WHERE date BETWEEN DATE '{first}' AND DATE '{last}');
