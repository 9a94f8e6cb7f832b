-- 037-step-and-event-keys: one index entry fewer for every step and every event the street writes (issue #16).
-- A rent-day receivable writes a step and three events (receivable.accepted, case.started and, for a flow
-- whose first turn ends the case, case.completed); index upkeep is a third of Postgres's CPU in the bench's
-- pipeline.
--
-- steps: the dedupe key was unique on its own and case_id had an index of its own. Every dedupe key the
-- street writes starts with its case's id (runtime/dossiers/apply-effects.ts, runtime/console/resend-link.ts),
-- so (case_id, dedupe_key) is unique exactly when dedupe_key is; the one index now finds a case's steps
-- too, and compares a uuid before it compares text.
CREATE UNIQUE INDEX steps_case_dedupe_key ON steps (case_id, dedupe_key);
ALTER TABLE steps DROP CONSTRAINT steps_dedupe_key_key;
DROP INDEX IF EXISTS steps_case_idx;

-- events: seq had the primary key and the feed read (corporation, xact, seq) from an index beside it
-- (migration 003). Nothing looks an event up by seq alone (the timeline reads a receivable's events by
-- receivable_id and orders by seq), so the feed's order is the key.
CREATE UNIQUE INDEX events_feed_key ON events (corporation, xact, seq);
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_feed_key;
DROP INDEX IF EXISTS events_corporation_xact_seq_idx;
