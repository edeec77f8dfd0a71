-- Replace the gallium batches of the (plant, day)s in plant_refresh with the file's (agg_<table>).
DELETE FROM plant_gallium_batches t USING plant_refresh r WHERE t.plant = r.plant AND t.day = r.day;
INSERT OR REPLACE INTO plant_gallium_batches SELECT * FROM agg_plant_gallium_batches;
