-- DuckLake only: raw plant telemetry as lake tables (the file backend keeps Parquet parts instead).
-- Partitioned by plant and day, so a drill-down that filters on both reads one day's files.
CREATE TABLE telemetry_weld (
    plant         VARCHAR NOT NULL,
    date          DATE NOT NULL,
    ts            TIMESTAMP,
    line          VARCHAR,
    robot         VARCHAR,
    cathode_id    VARCHAR,
    weld_id       VARCHAR,
    current_a     DOUBLE,
    temperature_c DOUBLE,
    vdrop_mv      DOUBLE,
    passed        BOOLEAN,
    defect_code   VARCHAR,
    simulated     BOOLEAN,
    document_id   VARCHAR NOT NULL,
    load_id       VARCHAR NOT NULL
);
ALTER TABLE telemetry_weld SET PARTITIONED BY (plant, date);

CREATE TABLE telemetry_gallium (
    plant                VARCHAR NOT NULL,
    date                 DATE NOT NULL,
    batch_id             VARCHAR,
    line                 VARCHAR,
    started_at           TIMESTAMP,
    ended_at             TIMESTAMP,
    liquor_m3            DOUBLE,
    gallium_in_kg        DOUBLE,
    gallium_recovered_kg DOUBLE,
    simulated            BOOLEAN,
    document_id          VARCHAR NOT NULL,
    load_id              VARCHAR NOT NULL
);
ALTER TABLE telemetry_gallium SET PARTITIONED BY (plant, date);
