-- Raw plant telemetry, read from the Parquet beside the warehouse. Table macros rather than views:
-- a view binds its file glob when created (and fails while there are no files yet); a macro binds
-- when called. The path is relative: set `file_search_path` to the warehouse folder first, e.g.
--   SET file_search_path = '/path/to/data/warehouse';
--   SELECT * FROM welds_raw() WHERE date = DATE '2025-07-14' AND robot = 'R3';
-- Filters on plant / date prune partitions. Not available where external access is disabled.
CREATE OR REPLACE MACRO welds_raw(root := 'telemetry') AS TABLE
SELECT * FROM read_parquet(root || '/weld/*/*/*.parquet', hive_partitioning = true,
                           hive_types = {'plant': VARCHAR, 'date': DATE});

CREATE OR REPLACE MACRO gallium_raw(root := 'telemetry') AS TABLE
SELECT * FROM read_parquet(root || '/gallium/*/*/*.parquet', hive_partitioning = true,
                           hive_types = {'plant': VARCHAR, 'date': DATE});
