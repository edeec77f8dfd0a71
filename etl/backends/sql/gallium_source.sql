-- DuckLake: the gallium batches of the refreshed (plant, day)s, from the lake table (cf. etl/plant/sql).
CREATE OR REPLACE TEMP TABLE plant_gallium_src AS
SELECT * EXCLUDE (load_id) FROM telemetry_gallium t SEMI JOIN temp.plant_refresh r ON r.plant = t.plant AND r.day = t.date;
