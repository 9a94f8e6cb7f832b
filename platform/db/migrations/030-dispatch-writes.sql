-- 030-dispatch-writes: what each sent mail costs the database.
-- Every message is stored twice over — its exact content in messages.content and its parts (the SMTP
-- bytes, the HTML, the text) in message_parts.body — about 22 KB a mail. Postgres's default TOAST
-- compression (pglz) spent about a quarter millisecond of the server's CPU on that per mail in the bench;
-- lz4 compresses this HTML as well at a fraction of the CPU (`npm run bench -- --statements DIR`,
-- docs/operations.md). Only values written from now on use it; a server built without lz4 keeps pglz.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE message_parts ALTER COLUMN body SET COMPRESSION lz4;
    ALTER TABLE messages ALTER COLUMN content SET COMPRESSION lz4;
  END IF;
END
$$;

-- Two indexes of migration 015 that no query reads since the contact budget counts by counted_at
-- (migration 018's messages_debtor_counted_idx and messages_household_counted_idx serve every lookup by
-- debtor or household); each sent mail wrote both twice (the insert, then the update to 'sent').
DROP INDEX IF EXISTS messages_debtor_sent_idx;
DROP INDEX IF EXISTS messages_household_sent_idx;
