-- DuckLake: raw plant telemetry from the lake tables (the file backend's version reads Parquet parts).
--   SELECT * FROM welds_raw() WHERE date = DATE '2025-07-14' AND robot = 'R3';
-- Filters on plant / date prune the lake's files.
CREATE OR REPLACE MACRO welds_raw() AS TABLE
SELECT * EXCLUDE (load_id) FROM telemetry_weld;

CREATE OR REPLACE MACRO gallium_raw() AS TABLE
SELECT * EXCLUDE (load_id) FROM telemetry_gallium;
