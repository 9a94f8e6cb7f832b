-- 002-step-payloads: what a step row carries for the scheduler, a 'done' outcome for timer rows, and the
-- engine's message id on messages so provider events find their place in the case.
ALTER TABLE steps ADD COLUMN payload jsonb NOT NULL DEFAULT '{}';
ALTER TABLE steps DROP CONSTRAINT steps_status_check;
ALTER TABLE steps ADD CONSTRAINT steps_status_check
  CHECK (status IN ('scheduled', 'claimed', 'done', 'sent', 'skipped', 'failed', 'cancelled'));
ALTER TABLE messages ADD COLUMN engine_message_id text;
CREATE INDEX messages_case_engine_idx ON messages (case_id, engine_message_id);
-- The stale-claim sweep looks for old claims.
CREATE INDEX steps_claimed_idx ON steps (claimed_at) WHERE status = 'claimed';
