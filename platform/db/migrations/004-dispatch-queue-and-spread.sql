-- 004-dispatch-queue-and-spread: send and alert steps travel over JetStream (OST_DISPATCH) while their row
-- stays the source of truth, and flows with a per-hour spread book their slots here.

-- 'queued': claimed by a scheduler and published to the dispatch stream; a dispatcher finishes it.
ALTER TABLE steps DROP CONSTRAINT steps_status_check;
ALTER TABLE steps ADD CONSTRAINT steps_status_check
  CHECK (status IN ('scheduled', 'claimed', 'queued', 'done', 'sent', 'skipped', 'failed', 'cancelled'));
-- The local clock hour (as an instant) a spread step booked in dispatch_slots; NULL when not spread.
ALTER TABLE steps ADD COLUMN spread_hour timestamptz;
-- The stale-claim sweep looks at both kinds of claims.
DROP INDEX steps_claimed_idx;
CREATE INDEX steps_claimed_idx ON steps (claimed_at) WHERE status IN ('claimed', 'queued');

-- The message a step row produced, so a redelivered or recovered step finds it (resend the same
-- message while 'sending', finish without sending when it is already 'sent').
ALTER TABLE messages ADD COLUMN step_row_id uuid REFERENCES steps (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX messages_step_row_idx ON messages (step_row_id) WHERE step_row_id IS NOT NULL;

-- Per-flow spread: how many steps of a flow are booked into each local clock hour (hour_start is the
-- instant that hour starts). A booking is an atomic increment guarded by the flow's maxPerHour.
CREATE TABLE dispatch_slots (
  corporation text        NOT NULL,
  flow        text        NOT NULL,
  hour_start  timestamptz NOT NULL,
  booked      integer     NOT NULL CHECK (booked >= 0),
  PRIMARY KEY (corporation, flow, hour_start)
);
