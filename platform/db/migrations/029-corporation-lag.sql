-- 029-corporation-lag: the gauge outputstraat_corporation_lag_seconds asks, per corporation, "its oldest
-- due step not sent yet" every sampling round. The (status, due_at) index answers that only by walking past
-- every other corporation's due steps first (a bulk of 100 000 ahead of one storno); this one goes straight
-- to the corporation's own.
CREATE INDEX steps_scheduled_corporation_due_idx ON steps (corporation, due_at) WHERE status = 'scheduled';
