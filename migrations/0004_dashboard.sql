-- What the dashboard and the metrics read beside the job store: the names of
-- each account kept apart from its jobs, an index to walk the jobs of one
-- record in time order, and an index that counts lease take-overs.

-- The latest resolved names of each CRM record, one row per record.
--
-- The worker resolves names on the jobs it processes, but most jobs of an
-- account are echoes skipped by the ingest, which never learn a name. The
-- dashboard shows every run of an account under its name, and searches by
-- name; reading the name from a table with one row per account keeps both
-- independent of how many jobs the file holds (a search reads every row
-- of this table, never every job).
CREATE TABLE account_names (
    -- SuperOffice tenant of the record (ContextIdentifier, 'Cust12345').
    tenant           TEXT    NOT NULL,
    -- Kind of CRM record: 'contact' or 'person'.
    entity           TEXT    NOT NULL,
    -- The record's primary key in SuperOffice.
    entity_id        INTEGER NOT NULL,
    -- Company name the worker found last ('Acme GmbH').
    company_name     TEXT,
    -- Owner's short name the worker found last ('RKAB').
    owner_short_name TEXT,
    -- When a job last brought a name (milliseconds since the epoch, UTC).
    updated_at       INTEGER NOT NULL,

    PRIMARY KEY (tenant, entity, entity_id)
);

-- Kept up to date by the store itself, so that no process has to remember
-- it: whenever a job learns a name (`Store::set_names`), the record's row
-- takes it. A name that comes as NULL keeps the stored one. Runs only on
-- updates that set a name column, never on the ingest's inserts.
CREATE TRIGGER account_names_from_jobs
AFTER UPDATE OF company_name, owner_short_name ON jobs
WHEN NEW.company_name IS NOT NULL OR NEW.owner_short_name IS NOT NULL
BEGIN
    INSERT INTO account_names
        (tenant, entity, entity_id, company_name, owner_short_name, updated_at)
    VALUES
        (NEW.tenant, NEW.entity, NEW.entity_id, NEW.company_name, NEW.owner_short_name,
         NEW.updated_at)
    ON CONFLICT (tenant, entity, entity_id) DO UPDATE SET
        company_name = coalesce(excluded.company_name, account_names.company_name),
        owner_short_name = coalesce(excluded.owner_short_name, account_names.owner_short_name),
        updated_at = excluded.updated_at;
END;

-- The names already known when this migration runs: the newest named job
-- of each record.
INSERT INTO account_names (tenant, entity, entity_id, company_name, owner_short_name, updated_at)
SELECT tenant, entity, entity_id, company_name, owner_short_name, max(updated_at)
FROM jobs
WHERE company_name IS NOT NULL OR owner_short_name IS NOT NULL
GROUP BY tenant, entity, entity_id;

-- Dashboard runs: the jobs of one record in the order they came (a run is
-- the events of one record less than 15 minutes apart). Also answers "is
-- there a later job of this record within 15 minutes" for each job listed.
CREATE INDEX jobs_record_created ON jobs (entity, entity_id, created_at);

-- Metrics: lease take-overs, counted from the attempts that lost their
-- lease. Partial, so it holds only those few rows and costs nothing when
-- an attempt ends otherwise.
CREATE INDEX job_attempts_lease_lost ON job_attempts (job_id) WHERE outcome = 'lease_lost';
