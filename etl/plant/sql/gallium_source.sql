-- Runs in the plant file's own connection: the file's good staged batches (statement 1), or those
-- and the batches of the same days' earlier parts (statement 2, when plant_earlier has rows), for
-- the days {first} .. {last}: the rows plant_gallium_batches keeps whole.
CREATE OR REPLACE TEMP VIEW plant_gallium_src AS
SELECT batch_id, plant, line, started_at, ended_at, date, liquor_m3, gallium_in_kg, gallium_recovered_kg,
       simulated, NULL::VARCHAR AS document_id
FROM staged WHERE reason IS NULL AND date BETWEEN DATE '{first}' AND DATE '{last}';
CREATE OR REPLACE TEMP VIEW plant_gallium_src AS
SELECT * FROM (
SELECT batch_id, plant, line, started_at, ended_at, date, liquor_m3, gallium_in_kg, gallium_recovered_kg,
       simulated, NULL::VARCHAR AS document_id
FROM staged WHERE reason IS NULL AND date BETWEEN DATE '{first}' AND DATE '{last}'
UNION ALL
SELECT batch_id, plant, line, started_at, ended_at, date, liquor_m3, gallium_in_kg, gallium_recovered_kg,
       simulated, document_id
FROM plant_earlier WHERE date BETWEEN DATE '{first}' AND DATE '{last}');
