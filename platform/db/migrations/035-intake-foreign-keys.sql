-- 035-intake-foreign-keys: the two foreign-key checks every receivable taken in paid for (issue #16).
-- A case row checked its receivable and a step row its case: one lookup through the parent's primary key
-- per row, run by a trigger at the end of each INSERT (6.3 % of Postgres's CPU in a rent-day pipeline of
-- 600,000, perf). Intake writes parent and child in the same transaction from ids it just made, and the
-- street deletes neither receivables nor cases (erasure blanks them, retention marks them erased), so the
-- ON DELETE CASCADE never ran. Migration 007 dropped the events' foreign keys on the same grounds.
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_receivable_id_fkey;
ALTER TABLE steps DROP CONSTRAINT IF EXISTS steps_case_id_fkey;
