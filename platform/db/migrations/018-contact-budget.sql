-- The contact budget (docs/adr/0007, docs/contact-budget.md): the moment a message counts against its
-- debtor's and household's budget, on the dispatcher's clock, set when the dispatcher records it under the
-- household's advisory lock. Rows of before count from when they were created.
ALTER TABLE messages ADD COLUMN counted_at timestamptz;
UPDATE messages SET counted_at = coalesce(sent_at, created_at) WHERE debtor_ref IS NOT NULL;
CREATE INDEX messages_household_counted_idx ON messages (corporation, household_id, counted_at)
  WHERE household_id IS NOT NULL;
CREATE INDEX messages_debtor_counted_idx ON messages (debtor_ref, counted_at) WHERE debtor_ref IS NOT NULL;
