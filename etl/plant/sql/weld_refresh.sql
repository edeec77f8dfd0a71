-- Replace the weld aggregates of the (plant, day)s in plant_refresh (the file's days) with the
-- file's freshly computed ones (agg_<table>, from weld_aggregates.sql). One statement per `;`.
DELETE FROM plant_weld_robot_shift t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
DELETE FROM plant_weld_robot_daily t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
DELETE FROM plant_weld_line_daily t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
DELETE FROM plant_weld_defects t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
INSERT INTO plant_weld_robot_shift SELECT * FROM agg_plant_weld_robot_shift;
INSERT INTO plant_weld_robot_daily SELECT * FROM agg_plant_weld_robot_daily;
INSERT INTO plant_weld_line_daily SELECT * FROM agg_plant_weld_line_daily;
INSERT INTO plant_weld_defects SELECT * FROM agg_plant_weld_defects;
