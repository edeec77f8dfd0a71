-- Gallium recovery per batch and per day (mass-weighted: recovered / in over the day's batches).
CREATE OR REPLACE VIEW v_gallium_batches AS
SELECT batch_id, plant, line, started_at, ended_at, day, liquor_m3, gallium_in_kg, gallium_recovered_kg,
       100.0 * gallium_recovered_kg / gallium_in_kg AS recovery_pct,
       date_diff('second', started_at, ended_at) / 3600.0 AS duration_h,
       simulated, document_id
FROM plant_gallium_batches;

CREATE OR REPLACE VIEW v_gallium_daily AS
SELECT day, plant, line, count(*) AS batches, sum(liquor_m3) AS liquor_m3,
       sum(gallium_in_kg) AS gallium_in_kg, sum(gallium_recovered_kg) AS gallium_recovered_kg,
       100.0 * sum(gallium_recovered_kg) / sum(gallium_in_kg) AS recovery_pct,
       bool_or(simulated) AS simulated
FROM plant_gallium_batches
GROUP BY day, plant, line;
