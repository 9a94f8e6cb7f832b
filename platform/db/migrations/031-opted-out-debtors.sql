-- 031-opted-out-debtors: intake asks, for every batch of a thousand receivables, which of their debtors
-- opted out of a channel type (runtime/intake/intake-batch.ts, optOutsOf). Few ever do; without this index
-- the question probed the primary key a thousand times per batch (7 ms of 100 in the bench's pipeline,
-- `npm run bench -- --statements DIR`), with it the answer is read from an index of the few.
CREATE INDEX debtors_opted_out_idx ON debtors (id) WHERE opt_outs <> '{}';
