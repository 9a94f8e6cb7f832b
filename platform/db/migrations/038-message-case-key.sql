-- 038-message-case-key: one index entry fewer for every message the street writes (issue #16).
-- messages (case_id) of migration 001 is the first column of messages (case_id, engine_message_id) of
-- migration 002: every question by case (a case's messages, early signals, outcome totals, the cascade
-- when a case is deleted) is answered by the wider index, and the narrow one was written for nothing on
-- each message's insert and on each update that moves its row (the "sent" update changes provider_id,
-- which an index names, so it is never HOT).
DROP INDEX IF EXISTS messages_case_idx;
