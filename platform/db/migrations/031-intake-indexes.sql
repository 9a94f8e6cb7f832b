-- 031-intake-indexes: what intake pays per receivable, trimmed (issue #16).
-- Intake asks, for every batch of a thousand receivables, which of their debtors opted out of a channel
-- type (runtime/intake/intake-batch.ts, optOutsOf). Few ever do; without this index the question probed
-- the primary key a thousand times per batch (1,458 ms of the 32 s the bench's pipeline of 200,000 spent
-- executing statements; 34 ms with it: `npm run bench -- --receivables 20000 --pipeline 200000 --mails 300
-- --timers 0 --statements DIR`).
CREATE INDEX debtors_opted_out_idx ON debtors (id) WHERE opt_outs <> '{}';

-- case_items (receivable_id) WHERE left_at IS NULL duplicated case_items_receivable_idx: a receivable is an
-- item of a handful of dossiers at most, so the full index answers the "current items" lookups as fast,
-- and every item stored no longer writes two entries for one question.
DROP INDEX IF EXISTS case_items_current_idx;
