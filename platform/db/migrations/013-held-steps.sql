-- 013-held-steps: a send or alert that a pause catches before it went out (waiting for its spread slot,
-- the end of quiet hours, a retry, or on its way to a dispatcher) is 'held', not cancelled: the resume
-- gives it back to the scheduler, an end of the case cancels it. The schedulers never look at held rows.
ALTER TABLE steps DROP CONSTRAINT steps_status_check;
ALTER TABLE steps ADD CONSTRAINT steps_status_check
  CHECK (status IN ('scheduled', 'claimed', 'queued', 'held', 'done', 'sent', 'skipped', 'failed', 'cancelled'));
