-- 006-pages-psp-forms: payments started on the payment page (one row per PSP payment), and what tenants
-- and staff submit through forms (contact data, meter readings). Every row names its corporation.

-- Our payment id is the idempotency key towards the PSP and travels in its metadata; the PSP's own id
-- is unique per provider, so a webhook finds the row and a payment is applied to the receivable once
-- (`applied_at`), however often and in whatever order the webhook arrives.
CREATE TABLE psp_payments (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation         text        NOT NULL,
  receivable_id       uuid        NOT NULL REFERENCES receivables (id) ON DELETE CASCADE,
  link_token          text        NOT NULL,
  provider            text        NOT NULL,
  provider_payment_id text,
  amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
  currency            text        NOT NULL,
  status              text        NOT NULL DEFAULT 'creating'
                                  CHECK (status IN ('creating', 'open', 'pending', 'authorized', 'paid',
                                                    'failed', 'canceled', 'expired')),
  checkout_url        text,
  paid_amount_minor   bigint,
  applied_at          timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, provider_payment_id)
);
CREATE INDEX psp_payments_receivable_idx ON psp_payments (receivable_id, created_at DESC);
CREATE TRIGGER psp_payments_updated_at BEFORE UPDATE ON psp_payments
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Form links are `links` rows with purpose 'contact' or 'meter'; a lookup by receivable and purpose
-- finds the open one to reuse.
CREATE INDEX links_receivable_purpose_idx ON links (receivable_id, purpose) WHERE closed_at IS NULL;

CREATE TABLE contact_updates (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation     text        NOT NULL,
  receivable_id   uuid        REFERENCES receivables (id) ON DELETE SET NULL,
  external_id     text,
  debtor_id       text        NOT NULL,
  email           text,
  phone           text,
  source          text        NOT NULL CHECK (source IN ('tenant', 'staff')),
  confirmation_message_id uuid,
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX contact_updates_corporation_idx ON contact_updates (corporation, submitted_at);

-- Readings are kept per corporation and meter number; the latest one is the baseline that the next
-- reading is checked against. Implausible readings that the tenant or staff confirmed are kept, flagged
-- for review, and never become the baseline until reviewed.
CREATE TABLE meter_readings (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation     text        NOT NULL,
  receivable_id   uuid        REFERENCES receivables (id) ON DELETE SET NULL,
  external_id     text,
  address         text        NOT NULL,
  meter_number    text        NOT NULL,
  reading         bigint      NOT NULL CHECK (reading >= 0),
  read_on         date        NOT NULL,
  source          text        NOT NULL CHECK (source IN ('tenant', 'staff', 'erp')),
  needs_review    boolean     NOT NULL DEFAULT false,
  review_reason   text,
  submitted_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meter_readings_meter_idx ON meter_readings (corporation, meter_number, read_on DESC);
CREATE INDEX meter_readings_corporation_idx ON meter_readings (corporation, submitted_at);
