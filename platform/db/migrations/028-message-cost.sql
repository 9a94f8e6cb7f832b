-- 028-message-cost: what each message cost (docs/outcomes.md, "Cost"). The price of its channel
-- (Channel spec.pricePerMessage) when it was sent, in cents with fractions of a cent; NULL for messages
-- of before this migration and channels without a price (counted as 0).
ALTER TABLE messages ADD COLUMN cost_cents numeric(12, 4);
