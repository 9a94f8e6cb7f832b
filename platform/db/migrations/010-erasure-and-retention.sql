-- 010-erasure-and-retention: erasure of a debtor's personal data (DELETE /v1/debtors/{debtorId}) and
-- retention per kind of data. runtime/dossiers/personal-data.ts is the registry of every column that can
-- hold personal data and how it is erased; docs/privacy.md explains it. This migration gives each table
-- a marker of "already erased" (so erasure and the retention sweep touch a row once) and the indexes the
-- sweep walks in small batches.

-- The fact that an erasure happened, without who it was about: a SHA-256 of the corporation and the
-- debtor id (see docs/privacy.md for why a hash and not the id), when, and how many rows per table.
CREATE TABLE erasures (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation text        NOT NULL,
  debtor_hash text        NOT NULL,
  receivables integer     NOT NULL,
  row_counts  jsonb       NOT NULL DEFAULT '{}',
  total_rows  integer     NOT NULL,
  erased_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX erasures_debtor_idx ON erasures (corporation, debtor_hash, erased_at DESC);

-- Receivables: the debtor copy and the payload are pseudonymised once the receivable is closed and its
-- retention has passed, or on erasure. The sweep finds closed receivables not yet erased, oldest first.
ALTER TABLE receivables ADD COLUMN erased_at timestamptz;
CREATE INDEX receivables_retention_idx ON receivables (corporation, updated_at)
  WHERE erased_at IS NULL AND status IN ('paid', 'cancelled');

-- Forms: an erased contact update keeps when and how it came in, not the address or number.
ALTER TABLE contact_updates ADD COLUMN erased_at timestamptz;
ALTER TABLE contact_updates ALTER COLUMN debtor_id DROP NOT NULL;
ALTER TABLE contact_updates DROP CONSTRAINT IF EXISTS contact_updates_check;
ALTER TABLE contact_updates ADD CONSTRAINT contact_updates_contact_check
  CHECK (email IS NOT NULL OR phone IS NOT NULL OR erased_at IS NOT NULL);
-- A meter reading keeps the meter, the reading and the date (the dwelling's history), not the address.
ALTER TABLE meter_readings ADD COLUMN erased_at timestamptz;
ALTER TABLE meter_readings ALTER COLUMN address DROP NOT NULL;

-- Events whose data has more than the facts of runtime/dossiers/personal-data.ts (EVENT_FACTS): written
-- by insertEvents, cleared when the retention sweep or an erasure strips the data to its facts. The
-- partial index holds only those few rows, so the millions of plain events pay nothing for it.
ALTER TABLE events ADD COLUMN personal boolean NOT NULL DEFAULT false;
-- Events written before this migration: the types that carried more than facts when it was written.
UPDATE events SET personal = true
WHERE type IN ('contact.updated', 'meter.reading', 'receivable.updated', 'payment.received',
               'receivable.unrouted');
CREATE INDEX events_personal_idx ON events (corporation, at) WHERE personal;
