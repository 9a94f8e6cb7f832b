-- 001-initial: the runtime's durable state. Every table carries `corporation` so each query can be
-- scoped to one tenant; amounts are integer minor units (cents); all times are timestamptz (UTC).

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TABLE receivables (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation       text        NOT NULL,
  external_id       text        NOT NULL,
  kind              text        NOT NULL,
  amount_minor      bigint      NOT NULL,
  balance_minor     bigint      NOT NULL,
  currency          text        NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  due_date          date        NOT NULL,
  payment_reference text,
  invoice_number    text,
  description       text,
  debtor            jsonb       NOT NULL,
  payload           jsonb       NOT NULL,
  status            text        NOT NULL DEFAULT 'open'
                                CHECK (status IN ('open', 'paid', 'cancelled', 'paused')),
  source            text        NOT NULL DEFAULT 'production',
  accepted_at       timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (corporation, external_id)
);
CREATE INDEX receivables_corporation_status_idx ON receivables (corporation, status);
CREATE TRIGGER receivables_updated_at BEFORE UPDATE ON receivables
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A receivable may run several flows over its life (reminders, then storno), so no uniqueness here.
CREATE TABLE cases (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  receivable_id   uuid        NOT NULL REFERENCES receivables (id) ON DELETE CASCADE,
  corporation     text        NOT NULL,
  flow            text        NOT NULL,
  flow_revision   text        NOT NULL,
  bundle_revision text        NOT NULL,
  classification  text,
  rule            text,
  status          text        NOT NULL DEFAULT 'active'
                              CHECK (status IN ('active', 'paused', 'stopped', 'completed')),
  cursor          integer     NOT NULL DEFAULT 0,
  state           jsonb       NOT NULL DEFAULT '{}',
  started_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  end_reason      text,
  CHECK ((status IN ('active', 'paused')) = (ended_at IS NULL))
);
CREATE INDEX cases_receivable_idx ON cases (receivable_id);
CREATE INDEX cases_corporation_status_idx ON cases (corporation, status);

CREATE TABLE steps (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id     uuid        NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  corporation text        NOT NULL,
  step_id     text        NOT NULL,
  kind        text        NOT NULL,
  due_at      timestamptz NOT NULL,
  status      text        NOT NULL DEFAULT 'scheduled'
                          CHECK (status IN ('scheduled', 'claimed', 'sent', 'skipped', 'failed', 'cancelled')),
  attempts    integer     NOT NULL DEFAULT 0,
  claimed_by  text,
  claimed_at  timestamptz,
  -- The "same step never twice" guard: one row per (case, step, occurrence), whoever schedules it.
  dedupe_key  text        NOT NULL UNIQUE,
  reason      text,
  result      jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Serves the timer poll (status = 'scheduled' AND due_at <= now()) and the stale-claim sweep.
CREATE INDEX steps_status_due_idx ON steps (status, due_at);
CREATE INDEX steps_case_idx ON steps (case_id);
CREATE TRIGGER steps_updated_at BEFORE UPDATE ON steps
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE messages (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id       uuid        REFERENCES cases (id) ON DELETE CASCADE,
  receivable_id uuid        REFERENCES receivables (id) ON DELETE CASCADE,
  corporation   text        NOT NULL,
  step_id       text,
  channel       text        NOT NULL,
  channel_type  text        NOT NULL,
  template      text,
  locale        text,
  status        text        NOT NULL,
  provider_id   text,
  recipient     text,
  subject       text,
  content       jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  sent_at       timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_corporation_receivable_idx ON messages (corporation, receivable_id);
CREATE INDEX messages_case_idx ON messages (case_id);
-- Provider callbacks (bounce, delivered, opened) find the message by the provider's id.
CREATE INDEX messages_provider_idx ON messages (channel_type, provider_id) WHERE provider_id IS NOT NULL;
CREATE TRIGGER messages_updated_at BEFORE UPDATE ON messages
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Append-only event log; `seq` is the cursor of the ERP event feed.
CREATE TABLE events (
  seq           bigserial   PRIMARY KEY,
  corporation   text        NOT NULL,
  receivable_id uuid        REFERENCES receivables (id) ON DELETE SET NULL,
  case_id       uuid        REFERENCES cases (id) ON DELETE SET NULL,
  external_id   text,
  type          text        NOT NULL,
  data          jsonb       NOT NULL DEFAULT '{}',
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_corporation_seq_idx ON events (corporation, seq);
CREATE INDEX events_receivable_idx ON events (receivable_id) WHERE receivable_id IS NOT NULL;

CREATE TABLE config_bundles (
  revision    text        PRIMARY KEY,
  corporation text        NOT NULL,
  body        jsonb       NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX config_bundles_corporation_idx ON config_bundles (corporation, received_at DESC);

CREATE TABLE links (
  token         text        PRIMARY KEY,
  corporation   text        NOT NULL,
  receivable_id uuid        NOT NULL REFERENCES receivables (id) ON DELETE CASCADE,
  purpose       text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  closed_at     timestamptz
);
CREATE INDEX links_receivable_idx ON links (receivable_id);
