CREATE OR REPLACE TEMP TABLE plant_gallium_src AS
SELECT * FROM read_parquet($files, hive_partitioning = true, hive_types = {'plant': VARCHAR, 'date': DATE});
