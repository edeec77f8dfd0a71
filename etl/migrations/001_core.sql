-- The core warehouse: the catalog, every input document, every load, every reject, and the
-- observations with all their vintages (views pick the current one).

CREATE TABLE series (
    series_id     VARCHAR PRIMARY KEY,
    name_zh       VARCHAR NOT NULL,
    name_en       VARCHAR NOT NULL,
    subject       VARCHAR,
    category      VARCHAR,
    unit          VARCHAR NOT NULL,      -- canonical unit of `observations.value`
    display_unit  VARCHAR,               -- what charts show (万吨, 亿元, 元/吨)
    display_factor DOUBLE NOT NULL,      -- value / display_factor = number in display_unit
    frequency     VARCHAR,
    kind          VARCHAR,               -- flow, stock, rate, price, index
    cumulative    BOOLEAN NOT NULL DEFAULT false,
    family        VARCHAR,               -- the single-period twin of a cumulative series
    aliases       VARCHAR[],
    description   VARCHAR
);

CREATE TABLE loads (
    load_id        VARCHAR PRIMARY KEY,  -- sortable: yyyymmddThhmmssZ-xxxx
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    inbox          VARCHAR,
    files_seen     INTEGER,
    files_loaded   INTEGER,
    files_skipped  INTEGER,
    files_rejected INTEGER,
    rows_loaded    BIGINT,
    rows_rejected  BIGINT,
    pulse_version  VARCHAR
);

CREATE TABLE documents (
    document_id  VARCHAR PRIMARY KEY,    -- first 16 hex digits of sha256
    sha256       VARCHAR NOT NULL UNIQUE,
    path         VARCHAR NOT NULL,       -- as found in the inbox
    file_name    VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,       -- the source kind that read it
    title        VARCHAR,
    published    DATE,
    size_bytes   BIGINT,
    simulated    BOOLEAN NOT NULL DEFAULT false,
    load_id      VARCHAR NOT NULL
);

CREATE SEQUENCE observation_ids;

CREATE TABLE observations (
    obs_id           BIGINT PRIMARY KEY DEFAULT nextval('observation_ids'),
    series_id        VARCHAR,            -- null: a statistic no catalog series fits (yet)
    subject          VARCHAR,
    indicator        VARCHAR,
    period_label     VARCHAR,
    period_start     DATE,
    period_end       DATE,
    value            DOUBLE,             -- in the canonical unit
    unit             VARCHAR,            -- canonical unit
    value_as_written VARCHAR,
    unit_as_written  VARCHAR,
    change_pct       DOUBLE,             -- as published
    change_kind      VARCHAR,            -- yoy, mom, vs_prev_year, pp
    derived          BOOLEAN NOT NULL DEFAULT false,
    document_id      VARCHAR NOT NULL,
    quote            VARCHAR,
    source_url       VARCHAR,
    source_row       INTEGER,
    load_id          VARCHAR NOT NULL
);

CREATE TABLE rejects (
    load_id        VARCHAR NOT NULL,
    file_path      VARCHAR NOT NULL,
    row_number     INTEGER,              -- null: the whole file
    reason         VARCHAR NOT NULL,
    quarantined_to VARCHAR,
    rejected_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE warehouse_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
