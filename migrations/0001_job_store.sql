-- The job store: webhook deliveries, the jobs made from them, and each
-- attempt a worker made at a job.
--
-- Conventions for every table:
--   * Every *_at column is INTEGER milliseconds since the Unix epoch, UTC.
--     Integers compare and index cheaply, carry no time zone, and every
--     process writes the same format (no text dates to parse).
--   * JSON is TEXT holding a JSON array or object, readable with SQLite's
--     json_each / json_extract.
--   * Status, decision, entity and outcome values are lower-case words kept
--     honest by CHECK constraints.
--
-- Applied migrations are never edited: sqlx checks their checksums at start.
-- Change the schema by adding a new file.

-- One row per job: one unit of work on one CRM record. Deliveries for a
-- record that arrive while its job is still pending are merged into it.
CREATE TABLE jobs (
    -- Job number, shown on the dashboard and logged as job_id.
    id               INTEGER PRIMARY KEY,
    -- SuperOffice tenant the record lives in (ContextIdentifier, 'Cust12345').
    tenant           TEXT    NOT NULL,
    -- Kind of CRM record: 'contact' (a company) or 'person'.
    entity           TEXT    NOT NULL CHECK (entity IN ('contact', 'person')),
    -- The record's primary key in SuperOffice (contact_id or person_id).
    entity_id        INTEGER NOT NULL,
    -- Event that made the job ('contact.changed'); when a '*.created'
    -- delivery is merged in, the job takes that event (creation wins).
    event            TEXT    NOT NULL,
    -- JSON array of the distinct changed column names of all merged deliveries.
    changes          TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(changes)),
    -- How many deliveries were merged into this job.
    delivery_count   INTEGER NOT NULL DEFAULT 1,
    -- Where the job is in its life; see migrations/README.md for the moves.
    status           TEXT    NOT NULL
                     CHECK (status IN ('pending', 'processing', 'completed', 'skipped', 'failed')),
    -- Reason code of a skip or failure ('echo', 'merged', 'lease_lost', ...).
    rule             TEXT,
    -- Human-readable reason of a skip or failure, shown on the dashboard.
    reason           TEXT,
    -- When a pending job is due; a retry moves it into the future.
    run_at           INTEGER NOT NULL,
    -- Which worker holds the job (free text, e.g. 'host:pid:task'); set only
    -- while processing.
    lease_holder     TEXT,
    -- Random token of the current claim. Every finishing write must present
    -- it, so a worker whose lease expired cannot overwrite a newer outcome.
    lease_token      TEXT,
    -- When the current lease runs out and the job may be claimed again.
    lease_expires_at INTEGER,
    -- Claims counted against the attempt limit (a rate-limit retry refunds one).
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- How often a claim found this job's previous lease expired.
    lease_losses     INTEGER NOT NULL DEFAULT 0,
    -- Error of the latest failed attempt, kept across retries.
    last_error       TEXT,
    -- Company name found by the worker (late name resolution), for display.
    company_name     TEXT,
    -- Normalised company name, compared by the duplicate-creation rule.
    company_key      TEXT,
    -- Associate id of the record's owner, found by the worker.
    owner_id         INTEGER,
    -- Short name of the record's owner ('RKAB'), for display.
    owner_short_name TEXT,
    -- JSON object describing what a completed job wrote back.
    result           TEXT    CHECK (result IS NULL OR json_valid(result)),
    -- SuperOffice API requests spent on this job over all attempts.
    api_calls        INTEGER NOT NULL DEFAULT 0,
    -- When the job row was made (the first delivery's receipt time).
    created_at       INTEGER NOT NULL,
    -- When any column last changed; drives "recent activity" views.
    updated_at       INTEGER NOT NULL,
    -- When the latest attempt was claimed.
    started_at       INTEGER,
    -- When the job reached completed, skipped or failed.
    finished_at      INTEGER,

    -- A lease exists exactly while the job is processing.
    CHECK ((status = 'processing') =
           (lease_token IS NOT NULL AND lease_holder IS NOT NULL
            AND lease_expires_at IS NOT NULL))
);

-- At most one pending job per record: new deliveries join it (upsert target).
CREATE UNIQUE INDEX jobs_one_pending_per_record
    ON jobs (tenant, entity, entity_id) WHERE status = 'pending';

-- Claim: the earliest due pending job.
CREATE INDEX jobs_pending_due ON jobs (run_at, id) WHERE status = 'pending';

-- Claim: processing jobs whose lease ran out.
CREATE INDEX jobs_processing_lease ON jobs (lease_expires_at) WHERE status = 'processing';

-- Claim: is this record already being worked on under a live lease?
CREATE INDEX jobs_processing_record
    ON jobs (tenant, entity, entity_id, lease_expires_at) WHERE status = 'processing';

-- Dashboard: jobs of one status, newest first (paged by id).
CREATE INDEX jobs_status_id ON jobs (status, id);

-- Dashboard: counts per status changed since a moment.
CREATE INDEX jobs_status_updated ON jobs (status, updated_at);

-- Duplicate-creation rule: other jobs for the same company.
CREATE INDEX jobs_company_key ON jobs (company_key) WHERE company_key IS NOT NULL;

-- One row per accepted webhook POST, whatever was decided about it.
CREATE TABLE deliveries (
    -- Row id.
    id          INTEGER PRIMARY KEY,
    -- SuperOffice's EventId; unique, so a redelivery is stored once.
    event_id    TEXT    NOT NULL UNIQUE,
    -- When the ingest received the POST.
    received_at INTEGER NOT NULL,
    -- Tenant from the payload (ContextIdentifier).
    tenant      TEXT    NOT NULL,
    -- Event name from the payload ('contact.changed').
    event       TEXT    NOT NULL,
    -- Entity from the payload, as sent ('contact', 'person', 'sale', ...).
    entity      TEXT    NOT NULL,
    -- PrimaryKey from the payload.
    entity_id   INTEGER NOT NULL,
    -- ChangedByAssociateId from the payload, when present.
    changed_by  INTEGER,
    -- JSON array of the changed column names from the payload.
    changes     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(changes)),
    -- The raw request body as received, for inspection and replay.
    payload     TEXT    NOT NULL,
    -- What the ingest did: made a new job, joined a pending one, recorded a
    -- skipped job, or ignored the delivery (no job).
    decision    TEXT    NOT NULL CHECK (decision IN ('queued', 'joined', 'skipped', 'ignored')),
    -- Reason code of a skip or ignore.
    rule        TEXT,
    -- Human-readable reason of a skip or ignore.
    reason      TEXT,
    -- The job this delivery made or joined; NULL when ignored.
    job_id      INTEGER REFERENCES jobs (id)
);

-- Job detail: the deliveries behind a job.
CREATE INDEX deliveries_job ON deliveries (job_id) WHERE job_id IS NOT NULL;

-- Recent deliveries, and pruning old ones.
CREATE INDEX deliveries_received ON deliveries (received_at);

-- One row per claim of a job: what the attempt did and how long it took.
CREATE TABLE job_attempts (
    -- Row id.
    id          INTEGER PRIMARY KEY,
    -- The job worked on.
    job_id      INTEGER NOT NULL REFERENCES jobs (id),
    -- The job's attempt count after this claim; a refunded attempt (rate
    -- limit, shutdown) lets the next claim reuse the number.
    attempt     INTEGER NOT NULL,
    -- The worker that claimed the job.
    holder      TEXT    NOT NULL,
    -- When the claim was made.
    started_at  INTEGER NOT NULL,
    -- When the attempt ended; NULL while it runs.
    finished_at INTEGER,
    -- How it ended; NULL while it runs.
    outcome     TEXT    CHECK (outcome IN ('completed', 'skipped', 'failed', 'retry', 'deferred',
                                           'released', 'lease_lost')),
    -- The error that ended a failed, retried or deferred attempt.
    error       TEXT,
    -- SuperOffice API requests spent in this attempt.
    api_calls   INTEGER NOT NULL DEFAULT 0
);

-- Job detail: the attempts of a job in order; finding the running one.
CREATE INDEX job_attempts_job ON job_attempts (job_id, id);
