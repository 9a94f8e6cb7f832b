-- 003-erp-api: what the ERP API needs beyond receivables: payments (idempotent on the ERP's payment id),
-- a gap-free event feed cursor, stored responses for Idempotency-Key, and per-webhook delivery cursors.

-- The transaction that wrote each event. A bigserial value is taken when a row is inserted, not when its
-- transaction commits, so seq 6 can be visible while seq 5 is still uncommitted: a reader that resumes
-- after "seq > 6" would never see 5. The feed therefore orders by (xact, seq) and returns only events
-- whose transaction is older than the oldest one still running (pg_snapshot_xmin): those are final, and
-- every transaction that commits later has a larger xact than any event already returned.
-- Existing rows all get the migration's transaction id, which keeps their seq order.
ALTER TABLE events ADD COLUMN xact xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX events_corporation_xact_seq_idx ON events (corporation, xact, seq);

-- One row per payment the ERP reported; the unique key makes a repeated POST harmless.
CREATE TABLE payments (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation   text        NOT NULL,
  receivable_id uuid        NOT NULL REFERENCES receivables (id) ON DELETE CASCADE,
  payment_id    text        NOT NULL,
  amount_minor  bigint      NOT NULL CHECK (amount_minor > 0),
  paid_at       timestamptz,
  method        text,
  balance_after bigint      NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (corporation, payment_id)
);
CREATE INDEX payments_receivable_idx ON payments (receivable_id);

-- Idempotency-Key: the first response to a key is kept for 24 hours and replayed for the same request.
-- status_code is NULL while the first request is still being handled.
CREATE TABLE idempotency_keys (
  corporation  text        NOT NULL,
  key          text        NOT NULL,
  request_hash text,
  status_code  integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (corporation, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Outbound webhooks: how far each webhook channel of a corporation has been delivered, and when to try
-- again after a failure. The cursor is the (xact, seq) of the last event the endpoint acknowledged.
CREATE TABLE webhook_cursors (
  corporation     text        NOT NULL,
  channel         text        NOT NULL,
  cursor_xact     xid8        NOT NULL DEFAULT '0',
  cursor_seq      bigint      NOT NULL DEFAULT 0,
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  delivered_at    timestamptz,
  PRIMARY KEY (corporation, channel)
);
