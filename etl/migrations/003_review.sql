-- Trust (issue 12): document provenance, index bases, held vintages and review decisions.
-- Nothing is deleted: a held or rejected vintage stays in `observations` with its status.
ALTER TABLE documents ADD COLUMN publisher VARCHAR;      -- masthead / source line / URL host
ALTER TABLE documents ADD COLUMN source_url VARCHAR;     -- where a person can read it

ALTER TABLE observations ADD COLUMN index_base VARCHAR;      -- "2005=100", "prev_year=100" as stated
ALTER TABLE observations ADD COLUMN publisher VARCHAR;       -- of this row's source_url (tables cite per row)
ALTER TABLE observations ADD COLUMN status VARCHAR DEFAULT 'ok';  -- ok | held | accepted | rejected
ALTER TABLE observations ADD COLUMN hold_reason VARCHAR;     -- why a vintage is held for review
ALTER TABLE observations ADD COLUMN unmapped_reason VARCHAR; -- why a statistic has no series (base mismatch)

-- One meaning per change kind: every same-period-previous-year comparison is `yoy`.
UPDATE observations SET change_kind = 'yoy' WHERE change_kind = 'vs_prev_year';
UPDATE observations SET status = 'ok' WHERE status IS NULL;

ALTER TABLE series ADD COLUMN base VARCHAR;             -- an index series' base ("2015=100")

CREATE SEQUENCE review_decision_ids;

CREATE TABLE review_decisions (
    decision_id BIGINT PRIMARY KEY DEFAULT nextval('review_decision_ids'),
    obs_id      BIGINT NOT NULL,          -- the held observation decided
    decision    VARCHAR NOT NULL,         -- accepted | rejected
    decided_by  VARCHAR NOT NULL,         -- "local" on the CLI, the signed-in user in the app
    decided_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    hold_reason VARCHAR                   -- the reason it was held, as the decider saw it
);
