-- 022-collections-law: proof of registered letters (docs/channels.md, "Registered letters").
--
-- print_return_files: every return file of a print provider that was processed (moved to processed/ on
-- its SFTP server): how many lines were recorded and refused, or why the whole file was refused. The
-- tracking events themselves are rows of message_status_history (registered.delivered / registered.returned).
CREATE TABLE print_return_files (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation  text        NOT NULL,
  channel      text        NOT NULL,
  file_name    text        NOT NULL,
  sha256       text        NOT NULL,
  size         integer     NOT NULL,
  recorded     integer     NOT NULL DEFAULT 0,
  refused      integer     NOT NULL DEFAULT 0,
  refused_file text,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX print_return_files_idx ON print_return_files (corporation, channel, processed_at);

-- Early signalling of rent arrears (docs/collections-law.md § 4). Rows name the debtor by the debtors
-- row (debtor_ref), never by the ERP's id, and go with it when the debtor is erased; the contact details
-- a signal carries are read from the debtors row when the file is made, and stored nowhere else.
--
-- The tenant refused to have the contact details passed on (POST /v1/debtors/{debtorId}/early-signal-objection).
-- objected_at is when the tenant objected (as the ERP says), recorded_at when the street heard of it.
CREATE TABLE early_signal_objections (
  debtor_ref   uuid        PRIMARY KEY REFERENCES debtors (id) ON DELETE CASCADE,
  corporation  text        NOT NULL,
  objected_at  timestamptz NOT NULL,
  how          text        NOT NULL CHECK (how IN ('letter', 'email', 'phone', 'in-person', 'form', 'other')),
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
-- An effort to reach the tenant in person (POST /v1/debtors/{debtorId}/contact-attempts); a call the
-- street placed (a voice message) counts too and is not copied here.
CREATE TABLE contact_attempts (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  debtor_ref   uuid        NOT NULL REFERENCES debtors (id) ON DELETE CASCADE,
  corporation  text        NOT NULL,
  kind         text        NOT NULL CHECK (kind IN ('call', 'visit', 'other')),
  at           timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_attempts_debtor_idx ON contact_attempts (debtor_ref, at);
-- One signal per dossier (the arrears episode): the unique case makes a second evaluation a no-op.
CREATE TABLE early_signals (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation   text        NOT NULL,
  case_id       uuid        NOT NULL UNIQUE REFERENCES cases (id) ON DELETE CASCADE,
  debtor_ref    uuid        NOT NULL REFERENCES debtors (id) ON DELETE CASCADE,
  arrears_cents bigint      NOT NULL CHECK (arrears_cents > 0),
  arrears_terms integer     NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  exported_at   timestamptz,
  export_file   text,
  attempts      integer     NOT NULL DEFAULT 0,
  last_error    text
);
CREATE INDEX early_signals_export_idx ON early_signals (corporation, created_at) WHERE exported_at IS NULL;
