-- DuckLake: the aggregates recomputed at derive from the lake table (the file backend computes them
-- from the staged rows at load, etl/plant/sql/*_aggregates.sql); the statements of the file backend before that change.
-- Replace the gallium batches of the (plant, day)s in plant_refresh with those days' Parquet rows.
DELETE FROM plant_gallium_batches t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
INSERT OR REPLACE INTO plant_gallium_batches
SELECT batch_id, plant, line, started_at, ended_at, date, liquor_m3, gallium_in_kg, gallium_recovered_kg,
       simulated, document_id
FROM plant_gallium_src;
