-- The attempt list (job_attempts) kept by the store itself, in the same
-- statement as the claim or finish that changes the job.
--
-- Claims and finishes are the worker's hot path. Recording their attempt
-- rows from the caller took an extra statement each, and each statement is
-- a round trip to the SQLite thread and, outside a transaction, a commit of
-- its own. With these triggers a claim and a finish are one UPDATE each.
--
-- All processes must run a build that includes this migration: a build
-- from before it would record every attempt twice (sqlx refuses to start
-- a build that does not know an applied migration, but a process already
-- running when another one migrates keeps going until it is restarted).

-- A claim gives the job a fresh lease token: open an attempt for it. A
-- claim that takes over an expired lease first closes the attempt that
-- lost it. Clearing the token (finishing) changes nothing here.
CREATE TRIGGER job_attempts_open
AFTER UPDATE OF lease_token ON jobs
WHEN NEW.lease_token IS NOT NULL AND NEW.lease_token IS NOT OLD.lease_token
BEGIN
    UPDATE job_attempts SET
        finished_at = NEW.started_at, outcome = 'lease_lost', error = 'lease expired'
    WHERE job_id = NEW.id AND finished_at IS NULL;

    INSERT INTO job_attempts (job_id, attempt, holder, started_at)
    VALUES (NEW.id, NEW.attempts, NEW.lease_holder, NEW.started_at);
END;

-- A job leaving processing for good (completed, skipped or failed): close
-- its running attempt with that status as the outcome, the error of a
-- failure, and the API requests this attempt added to the job's count.
--
-- A write that means another outcome (a retry, a deferral, a release, a
-- merge into a newer job, a lease lost at the attempt limit) closes the
-- attempt itself before it changes the job; this trigger then finds no
-- running attempt and does nothing.
CREATE TRIGGER job_attempts_close
AFTER UPDATE OF status ON jobs
WHEN OLD.status = 'processing' AND NEW.status IN ('completed', 'skipped', 'failed')
BEGIN
    UPDATE job_attempts SET
        finished_at = NEW.finished_at,
        outcome = NEW.status,
        error = CASE WHEN NEW.status = 'failed' THEN NEW.last_error END,
        api_calls = NEW.api_calls - OLD.api_calls
    WHERE job_id = NEW.id AND finished_at IS NULL;
END;
