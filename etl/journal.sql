-- The operations journal (etl/journal.py): one SQLite file beside the warehouse, written by many
-- processes. Every table has an integer `id` and an ISO-8601 UTC `at`. Declare new tables here.

CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,      -- the signed-in e-mail/subject, or "local" without sign-in
    action  TEXT NOT NULL,      -- load, upload, review, sql, ...
    detail  TEXT                -- what was acted on (file names, review id, the query)
);
