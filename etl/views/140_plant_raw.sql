-- Raw plant telemetry, read from the Parquet parts this warehouse version lists (telemetry_parts):
-- parts written by a load that never published are not read. The lists are filled in at publish
-- ({weld_parts} / {gallium_parts}; a table function cannot take a subquery). Paths are relative:
-- set `file_search_path` to the warehouse folder first (etl.read does), e.g.
--   SELECT * FROM welds_raw() WHERE date = DATE '2025-07-14' AND robot = 'R3';
-- Filters on plant / date prune partitions. Not available where external access is disabled.
CREATE OR REPLACE MACRO welds_raw(parts := {weld_parts}::VARCHAR[]) AS TABLE
SELECT * FROM read_parquet(parts, hive_partitioning = true,
                           hive_types = {'plant': VARCHAR, 'date': DATE});

CREATE OR REPLACE MACRO gallium_raw(parts := {gallium_parts}::VARCHAR[]) AS TABLE
SELECT * FROM read_parquet(parts, hive_partitioning = true,
                           hive_types = {'plant': VARCHAR, 'date': DATE});
