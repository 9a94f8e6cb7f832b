-- 007-intake-write-cost: what every receivable taken in pays for without a reader. Rent day writes millions
-- of rows into these tables, so each index entry and foreign-key lookup per row counts.
--   receivables (corporation, status): receivables are found by id or by (corporation, external_id).
--   events (corporation, seq): the feed reads by (corporation, xact, seq) since 003; the timeline by
--   receivable_id.
--   events' foreign keys: four event rows per receivable meant eight key lookups into receivables and
--   cases. The event log is append-only and the street never deletes a receivable or a case; the feed
--   already joins receivables with a LEFT JOIN, so an event whose row was removed by hand still reads.
DROP INDEX IF EXISTS receivables_corporation_status_idx;
DROP INDEX IF EXISTS events_corporation_seq_idx;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_receivable_id_fkey;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_case_id_fkey;
-- cases (corporation, status): the open-cases gauge groups by flow, which this index cannot give, so it
-- read the table anyway; cases are otherwise found by id or receivable_id.
DROP INDEX IF EXISTS cases_corporation_status_idx;

-- Steps carry their case's flow, so the steps-due gauge counts steps without joining millions of cases.
ALTER TABLE steps ADD COLUMN flow text;
UPDATE steps s SET flow = c.flow FROM cases c WHERE c.id = s.case_id;

-- The street-wide gauges (open cases, steps due and queued) are counted by one replica per interval and
-- shared through this row; the others read the result instead of running the same counts.
CREATE TABLE gauge_samples (
  name        text        PRIMARY KEY,
  sampled_at  timestamptz NOT NULL,
  sampled_by  text        NOT NULL,
  body        jsonb       NOT NULL DEFAULT '{}'
);

-- What the flow did, in sentences, lives with its case (GET /v1/receivables/{id} shows it per case)
-- instead of as one `timeline` event row per turn: the event feed carries what an ERP acts on, and a
-- receivable taken in writes three event rows instead of four. Earlier `timeline` events stay readable.
ALTER TABLE cases ADD COLUMN timeline jsonb NOT NULL DEFAULT '[]';
