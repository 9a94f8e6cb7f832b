-- 020-console: the staff console (docs/console.md, ADR 0011): login attempts and sessions of staff
-- signed in through their corporation's identity provider, the audit log of every debtor-page view and
-- every action, staff notes on a debtor, and the indexes that make search an index lookup, never a scan.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- An OpenID Connect login under way: state (hashed), the PKCE verifier and the nonce, for ten minutes.
CREATE TABLE console_logins (
  state_sha256  bytea       PRIMARY KEY,
  corporation   text        NOT NULL,
  code_verifier text        NOT NULL,
  nonce         text        NOT NULL,
  return_to     text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- A signed-in staff member. The cookie holds the session id; only its SHA-256 is stored. A session ends
-- at expires_at (absolute) or when unused for idle_seconds, and at logout (the row is deleted).
CREATE TABLE console_sessions (
  id_sha256    bytea       PRIMARY KEY,
  corporation  text        NOT NULL,
  subject      text        NOT NULL,
  name         text,
  role         text        NOT NULL CHECK (role IN ('viewer', 'agent', 'admin')),
  csrf_token   text        NOT NULL,
  idle_seconds integer     NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);

-- Who looked at or changed what: every debtor-page view, search, refused attempt and action.
CREATE TABLE console_audit (
  id          bigserial   PRIMARY KEY,
  corporation text        NOT NULL,
  actor       text        NOT NULL,
  actor_name  text,
  role        text        NOT NULL,
  action      text        NOT NULL,
  debtor_ref  uuid,
  debtor_id   text,
  detail      jsonb       NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_audit_corporation_at_idx ON console_audit (corporation, at);

CREATE TABLE console_notes (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation text        NOT NULL,
  debtor_ref  uuid        NOT NULL REFERENCES debtors (id) ON DELETE CASCADE,
  author      text        NOT NULL,
  author_name text,
  body        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_notes_debtor_idx ON console_notes (debtor_ref, created_at);

-- Search (runtime/console/search.ts): one index per way of finding a debtor; the query's WHERE clauses
-- repeat these expressions exactly so the planner uses them.
CREATE INDEX debtors_name_trgm_idx ON debtors USING gin (lower(contact->>'name') gin_trgm_ops);
CREATE INDEX debtors_postcode_idx ON debtors (
  corporation,
  upper(regexp_replace(contact->'address'->>'postalCode', '\s+', '', 'g')),
  upper(regexp_replace(contact->'address'->>'houseNumber', '\s+', '', 'g')));
CREATE INDEX debtors_phone_idx ON debtors (corporation, right(regexp_replace(contact->>'phone', '[^0-9]', '', 'g'), 9))
  WHERE contact ? 'phone';
CREATE INDEX debtors_email_idx ON debtors (corporation, lower(contact->>'email')) WHERE contact ? 'email';
CREATE INDEX receivables_payment_reference_idx ON receivables (corporation, payment_reference)
  WHERE payment_reference IS NOT NULL;
