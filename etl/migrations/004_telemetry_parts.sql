-- The telemetry Parquet parts this warehouse version lists: the only parts readers see. A part is
-- written under its load's id, listed here in the same transaction as its document, and so becomes
-- visible with the publish of that load; parts on disk that no published warehouse lists (a killed
-- load's) are removed by the next load. Existing parts are adopted when this migration runs.
CREATE TABLE telemetry_parts (
    path        VARCHAR PRIMARY KEY,   -- relative to the warehouse folder: telemetry/<kind>/plant=…/date=…/part-….parquet
    kind        VARCHAR NOT NULL,      -- weld, gallium
    plant       VARCHAR NOT NULL,
    day         DATE NOT NULL,
    rows        BIGINT NOT NULL,
    document_id VARCHAR NOT NULL,
    load_id     VARCHAR NOT NULL
);
