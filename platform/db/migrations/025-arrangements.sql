-- 025-arrangements: payment arrangements and promises to pay that the dossier monitors
-- (docs/collections-law.md § 3). The engine keeps the running plan in cases.state and decides; these
-- rows are written from its effects in the same transaction (runtime/dossiers/arrangement-rows.ts) so
-- the ERP API, the console and the evidence file can show every plan, its instalments and how it ended.
CREATE TABLE arrangements (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation   text        NOT NULL,
  case_id       uuid        NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  receivable_id uuid        NOT NULL REFERENCES receivables (id) ON DELETE CASCADE,
  kind          text        NOT NULL CHECK (kind IN ('plan', 'promise')),
  source        text        NOT NULL CHECK (source IN ('erp', 'console', 'tenant')),
  reference     text,
  total_minor   bigint      NOT NULL CHECK (total_minor > 0),
  grace_days    integer     NOT NULL CHECK (grace_days >= 0),
  made_on       date        NOT NULL,
  status        text        NOT NULL DEFAULT 'running'
                            CHECK (status IN ('running', 'completed', 'broken', 'replaced', 'ended')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  ended_at      timestamptz
);
-- One running plan per dossier: a new one replaces it (status replaced).
CREATE UNIQUE INDEX arrangements_running_idx ON arrangements (case_id) WHERE status = 'running';
CREATE INDEX arrangements_receivable_idx ON arrangements (receivable_id, created_at);

CREATE TABLE arrangement_terms (
  arrangement_id uuid    NOT NULL REFERENCES arrangements (id) ON DELETE CASCADE,
  term           integer NOT NULL CHECK (term >= 1),
  due_on         date    NOT NULL,
  amount_minor   bigint  NOT NULL CHECK (amount_minor > 0),
  PRIMARY KEY (arrangement_id, term)
);
