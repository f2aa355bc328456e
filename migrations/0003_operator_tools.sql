-- What soctl needs beside the job store: the cursor of resumable backfills,
-- and an index for looking up every job of one CRM record (reconcile,
-- replay, verify-latest).

-- One row per `soctl backfill` run. The cursor (last_id) moves forward after
-- each batch of accounts is queued, so a run interrupted by a crash, a
-- Ctrl-C or an outage of SuperOffice resumes after the last account it
-- queued instead of starting over.
CREATE TABLE backfill_runs (
    -- Run number, shown by soctl; part of the event ids of its deliveries
    -- ('backfill:<id>:contact:<contact_id>'), so a resumed run cannot queue
    -- an account twice.
    id          INTEGER PRIMARY KEY,
    -- Kind of record the run walks: 'contact' (the only one so far).
    entity      TEXT    NOT NULL CHECK (entity IN ('contact', 'person')),
    -- The OData $filter as the operator gave it (empty for "everything").
    filter      TEXT    NOT NULL,
    -- The cursor: the highest record id handled so far; 0 before the first
    -- batch. A resumed run asks only for ids above it.
    last_id     INTEGER NOT NULL DEFAULT 0,
    -- Rows the API returned so far.
    seen        INTEGER NOT NULL DEFAULT 0,
    -- Accounts of ours queued so far.
    queued      INTEGER NOT NULL DEFAULT 0,
    -- Rows left out because their owner is not on the owner whitelist.
    not_ours    INTEGER NOT NULL DEFAULT 0,
    -- When the run started.
    started_at  INTEGER NOT NULL,
    -- When the cursor last moved.
    updated_at  INTEGER NOT NULL,
    -- When the run reached the end of its rows; NULL while resumable.
    finished_at INTEGER
);

-- `soctl backfill --resume`: the newest unfinished run.
CREATE INDEX backfill_runs_open ON backfill_runs (id) WHERE finished_at IS NULL;

-- Reconcile and replay: every job of one record, whatever its status. The
-- indexes of 0001 cover pending and processing jobs only.
CREATE INDEX jobs_record ON jobs (entity, entity_id, finished_at);
