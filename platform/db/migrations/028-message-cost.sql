-- 028-message-cost: what each message cost (docs/outcomes.md, "Cost"). The price of its channel
-- (Channel spec.pricePerMessage) when it was sent, in cents with fractions of a cent; NULL for messages
-- of before this migration and channels without a price (counted as 0).
ALTER TABLE messages ADD COLUMN cost_cents numeric(12, 4);

-- When the dossier's final outcome went on the ERP's feed (a `dossier.outcome` event): once, when it is
-- paid in full or 30 days old (docs/outcomes.md, "Final outcomes on the feed").
ALTER TABLE cases ADD COLUMN outcome_reported_at timestamptz;
CREATE INDEX cases_outcome_unreported_idx ON cases (corporation, started_at) WHERE outcome_reported_at IS NULL;
