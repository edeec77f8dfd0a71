-- Runs in the plant file's own connection; the order of etl.plant.kpi.AGGREGATES["gallium"].
-- $document_id tags the file's own batches (its staged rows carry none yet).
SELECT batch_id, plant, line, started_at, ended_at, date, liquor_m3, gallium_in_kg, gallium_recovered_kg,
       simulated, coalesce(document_id, $document_id)
FROM plant_gallium_src;
