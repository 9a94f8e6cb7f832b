-- The debtor is the unit of collections (docs/adr/0007-debtor-dossiers.md).
--
-- debtors: one row per (corporation, ERP debtor id) with the current contact details, opt-outs and
-- statuses; every receivable and PATCH /v1/debtors/{id} keep it current. Messages are addressed from it.
-- receivables.debtor keeps the data as it was posted (history).
CREATE TABLE debtors (
  id            uuid        PRIMARY KEY,
  corporation   text        NOT NULL,
  debtor_id     text        NOT NULL,
  household_id  text,
  -- The ERP's debtor object without its id: name, salutation, email, phone, address, locale,
  -- preferredChannel, tenancyStartDate, householdId.
  contact       jsonb       NOT NULL,
  -- Channel types the debtor refused (sms, email, voice, letter).
  opt_outs      text[]      NOT NULL DEFAULT '{}',
  -- deceased, debtAssistance, dispute: see ADR 0007.
  statuses      jsonb       NOT NULL DEFAULT '{}',
  -- Which ERP data the contact details come from: the receivable's version (when it has one) and the
  -- moment the data was current (updatedAt, else when it was accepted). Older data never overwrites newer.
  data_version  bigint,
  data_at       timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (corporation, debtor_id)
);
CREATE INDEX debtors_household_idx ON debtors (corporation, household_id) WHERE household_id IS NOT NULL;
CREATE TRIGGER debtors_updated_at BEFORE UPDATE ON debtors
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE receivables
  ADD COLUMN debtor_ref     uuid,
  ADD COLUMN version        bigint,
  ADD COLUMN erp_updated_at timestamptz;
CREATE INDEX receivables_debtor_ref_idx ON receivables (debtor_ref);

-- A case is a dossier: `scope` receivable (one receivable, cases.receivable_id) or debtor (its items in
-- case_items; cases.receivable_id is the first of them).
ALTER TABLE cases
  ADD COLUMN debtor_ref uuid,
  ADD COLUMN scope      text NOT NULL DEFAULT 'receivable' CHECK (scope IN ('receivable', 'debtor'));
CREATE INDEX cases_debtor_running_idx ON cases (debtor_ref, flow) WHERE status IN ('active', 'paused');

CREATE TABLE case_items (
  case_id       uuid        NOT NULL,
  receivable_id uuid        NOT NULL,
  corporation   text        NOT NULL,
  joined_at     timestamptz NOT NULL DEFAULT now(),
  left_at       timestamptz,
  PRIMARY KEY (case_id, receivable_id)
);
CREATE INDEX case_items_receivable_idx ON case_items (receivable_id);

-- Who a message went to, for the contact budget per debtor and per household.
ALTER TABLE messages
  ADD COLUMN debtor_ref   uuid,
  ADD COLUMN household_id text;
CREATE INDEX messages_debtor_sent_idx ON messages (debtor_ref, sent_at) WHERE debtor_ref IS NOT NULL;
CREATE INDEX messages_household_sent_idx ON messages (corporation, household_id, sent_at)
  WHERE household_id IS NOT NULL;

-- Existing receivables: one debtor per (corporation, debtor id), from the newest receivable.
INSERT INTO debtors (id, corporation, debtor_id, household_id, contact, data_at)
SELECT DISTINCT ON (corporation, debtor->>'id')
  gen_random_uuid(), corporation, debtor->>'id',
  CASE
    WHEN debtor ? 'householdId' THEN 'erp:' || (debtor->>'householdId')
    WHEN debtor ? 'address' THEN
      upper(coalesce(debtor->'address'->>'country', 'NL')) || '|' ||
      upper(regexp_replace(debtor->'address'->>'postalCode', '\s+', '', 'g')) || '|' ||
      upper(regexp_replace(debtor->'address'->>'houseNumber', '\s+', '', 'g'))
  END,
  debtor - 'id', accepted_at
FROM receivables
ORDER BY corporation, debtor->>'id', accepted_at DESC;

UPDATE receivables r SET debtor_ref = d.id
FROM debtors d WHERE d.corporation = r.corporation AND d.debtor_id = r.debtor->>'id';
UPDATE cases c SET debtor_ref = r.debtor_ref FROM receivables r WHERE r.id = c.receivable_id;
UPDATE messages m SET debtor_ref = r.debtor_ref, household_id = d.household_id
FROM receivables r JOIN debtors d ON d.id = r.debtor_ref WHERE r.id = m.receivable_id;
