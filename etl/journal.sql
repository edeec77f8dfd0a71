-- The operations journal (etl/journal.py): one SQLite file beside the warehouse, written by many
-- processes. Every table has an integer `id` and an ISO-8601 UTC `at`. Declare new tables here.

CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,      -- the signed-in e-mail/subject, or "local" without sign-in
    action  TEXT NOT NULL,      -- load, upload, review, sql, ...
    detail  TEXT                -- what was acted on (file names, review id, the query)
);

-- `pulse fetch` (etl/fetch): one row per URL asked for. sha256 is the saved file's, so the loader
-- finds a document's page URL, title and publication date by the file it stored (provenance_for).
CREATE TABLE IF NOT EXISTS fetches (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    source        TEXT NOT NULL,    -- the [[source]] name in sources.toml
    url           TEXT NOT NULL,
    status        TEXT NOT NULL,    -- saved, unchanged (304 or same bytes), listed, failed
    http_status   INTEGER,
    bytes         INTEGER,
    sha256        TEXT,
    saved_to      TEXT,
    etag          TEXT,             -- validators for the next conditional request
    last_modified TEXT,
    title         TEXT,             -- the link text / feed entry title
    published     TEXT,             -- YYYY-MM-DD when the listing or feed states it
    page_url      TEXT,             -- the index page or feed the link was found on
    publisher     TEXT,             -- the source's publisher (sources.toml)
    error         TEXT
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches (url, id);
CREATE INDEX IF NOT EXISTS fetches_sha ON fetches (sha256);

-- Deliveries of briefings and alerts (dashboard/deliver): one row per target and item, after retries.
CREATE TABLE IF NOT EXISTS deliveries (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    target    TEXT NOT NULL,        -- the [[target]] name in pulse.toml
    kind      TEXT,                 -- smtp, wecom, dingtalk, feishu, webhook, folder
    item      TEXT NOT NULL,        -- briefing:<template> or alert:<rule>:<series>:<period>
    status    TEXT NOT NULL,        -- sent, failed
    attempts  INTEGER NOT NULL,
    error     TEXT
);

-- Alert firings (etl/alerts): one per rule, series and period; a reload never fires it again.
CREATE TABLE IF NOT EXISTS alert_firings (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    rule          TEXT NOT NULL,
    series        TEXT NOT NULL,
    period        TEXT NOT NULL,    -- the period_end (or the staleness due date) it fired for
    value         REAL,
    detail        TEXT,
    snoozed_until TEXT,             -- set when the rule was snoozed: recorded, not delivered
    UNIQUE (rule, series, period)
);

CREATE TABLE IF NOT EXISTS alert_snoozes (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    rule   TEXT NOT NULL,
    until  TEXT NOT NULL            -- YYYY-MM-DD: no deliveries for the rule before this day ends
);

-- `pulse schedule run`: when each schedule last ran, so a missed run is caught up once.
CREATE TABLE IF NOT EXISTS schedule_runs (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    schedule  TEXT NOT NULL,
    due       TEXT NOT NULL,        -- the cron time this run stands for
    job       TEXT NOT NULL,
    status    TEXT NOT NULL,        -- ok, failed
    error     TEXT
);
