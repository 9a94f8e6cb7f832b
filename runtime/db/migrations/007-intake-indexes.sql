-- 007-intake-indexes: two indexes no query reads, dropped because every receivable taken in pays for
-- them (rent day writes millions of rows into both tables).
--   receivables (corporation, status): receivables are found by id or by (corporation, external_id).
--   events (corporation, seq): the feed reads by (corporation, xact, seq) since 003; the timeline by
--   receivable_id.
DROP INDEX IF EXISTS receivables_corporation_status_idx;
DROP INDEX IF EXISTS events_corporation_seq_idx;
