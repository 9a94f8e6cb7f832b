-- 036-intake-index-entries: two index entries every receivable taken in wrote for a rare reader (issue #16).
-- Index upkeep is a third of Postgres's CPU in a rent-day pipeline (perf during `npm run bench -- --pipeline
-- 1200000`: ExecInsertIndexTuples 34 %), about thirty entries a receivable.
--
-- steps (status, due_at): the claim path, the lag and count gauges read the partial indexes of migrations
-- 004 and 032 (scheduled sends and timers by corporation and due time; claimed and queued steps, a few
-- hundred at most, by claimed_at); everything else finds steps by id or case. Every step wrote an entry.
DROP INDEX IF EXISTS steps_status_due_idx;

-- receivables (corporation, kind): only the console's campaign overviews ask for a corporation's
-- receivables of one kind, and only for the campaign kinds (runtime/forms/campaign-answers.ts,
-- CAMPAIGN_KINDS); a rent or invoice receivable no longer writes an entry.
DROP INDEX IF EXISTS receivables_corporation_kind_idx;
CREATE INDEX receivables_campaign_idx ON receivables (corporation, kind) WHERE kind IN ('meter-reading', 'enrichment');
