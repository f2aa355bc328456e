-- A worker on the same host may end the lease of a worker whose process is
-- gone (kill -9, the OOM killer) instead of letting it run out; it notes
-- that on the open attempt (`error = 'worker process gone'`) before the
-- claim takes the job over. The takeover trigger of 0005 wrote 'lease
-- expired' over any such note; this version keeps a note that is there, so
-- the attempt list says why the attempt was lost.
DROP TRIGGER job_attempts_open;

CREATE TRIGGER job_attempts_open
AFTER UPDATE OF lease_token ON jobs
WHEN NEW.lease_token IS NOT NULL AND NEW.lease_token IS NOT OLD.lease_token
BEGIN
    UPDATE job_attempts SET
        finished_at = NEW.started_at, outcome = 'lease_lost',
        error = coalesce(error, 'lease expired')
    WHERE job_id = NEW.id AND finished_at IS NULL;

    INSERT INTO job_attempts (job_id, attempt, holder, started_at)
    VALUES (NEW.id, NEW.attempts, NEW.lease_holder, NEW.started_at);
END;
