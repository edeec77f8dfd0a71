-- Plant telemetry aggregates. The raw rows live in hive-partitioned Parquet beside the warehouse
-- (telemetry/<kind>/plant=…/date=…/*.parquet); these small tables are what the KPI and control-chart
-- views read, so they work where external file access is off (the SQL sandbox). Each day's rows
-- are recomputed from all of that day's Parquet when a file touching the day loads.

CREATE TABLE plant_weld_robot_shift (     -- one row per day, shift, robot
    day             DATE NOT NULL,
    shift           VARCHAR NOT NULL,     -- night 00–08, day 08–16, evening 16–24
    plant           VARCHAR NOT NULL,
    line            VARCHAR NOT NULL,
    robot           VARCHAR NOT NULL,
    welds           BIGINT NOT NULL,
    passed          BIGINT NOT NULL,
    vdrop_p50_mv    DOUBLE,
    vdrop_p95_mv    DOUBLE,
    vdrop_p99_mv    DOUBLE,
    current_mean_a  DOUBLE,
    temperature_mean_c DOUBLE,
    simulated       BOOLEAN NOT NULL,
    PRIMARY KEY (day, shift, plant, line, robot)
);

CREATE TABLE plant_weld_robot_daily (     -- one row per day, robot
    day             DATE NOT NULL,
    plant           VARCHAR NOT NULL,
    line            VARCHAR NOT NULL,
    robot           VARCHAR NOT NULL,
    welds           BIGINT NOT NULL,
    passed          BIGINT NOT NULL,
    vdrop_p50_mv    DOUBLE,
    vdrop_p95_mv    DOUBLE,
    vdrop_p99_mv    DOUBLE,
    current_mean_a  DOUBLE,
    current_sd_a    DOUBLE,
    temperature_mean_c DOUBLE,
    temperature_sd_c DOUBLE,
    simulated       BOOLEAN NOT NULL,
    PRIMARY KEY (day, plant, line, robot)
);

CREATE TABLE plant_weld_line_daily (      -- one row per day, line (percentiles over all robots)
    day             DATE NOT NULL,
    plant           VARCHAR NOT NULL,
    line            VARCHAR NOT NULL,
    welds           BIGINT NOT NULL,
    passed          BIGINT NOT NULL,
    vdrop_p50_mv    DOUBLE,
    vdrop_p95_mv    DOUBLE,
    vdrop_p99_mv    DOUBLE,
    simulated       BOOLEAN NOT NULL,
    PRIMARY KEY (day, plant, line)
);

CREATE TABLE plant_weld_defects (         -- failed welds per day, robot, defect code
    day             DATE NOT NULL,
    plant           VARCHAR NOT NULL,
    line            VARCHAR NOT NULL,
    robot           VARCHAR NOT NULL,
    defect_code     VARCHAR NOT NULL,     -- 'UNSPECIFIED' when a failed weld has none
    welds           BIGINT NOT NULL,
    PRIMARY KEY (day, plant, line, robot, defect_code)
);

CREATE TABLE plant_gallium_batches (      -- every batch (a few a day: small enough to keep whole)
    batch_id              VARCHAR PRIMARY KEY,
    plant                 VARCHAR NOT NULL,
    line                  VARCHAR NOT NULL,
    started_at            TIMESTAMP NOT NULL,
    ended_at              TIMESTAMP NOT NULL,
    day                   DATE NOT NULL,  -- the day the batch started (its Parquet partition)
    liquor_m3             DOUBLE NOT NULL,
    gallium_in_kg         DOUBLE NOT NULL,
    gallium_recovered_kg  DOUBLE NOT NULL,
    simulated             BOOLEAN NOT NULL,
    document_id           VARCHAR NOT NULL
);
