-- 030-lz4-content: every message is stored twice over — its exact content in messages.content and its
-- parts (the SMTP bytes, the HTML, the text) in message_parts.body — about 33 KB a mail. Postgres's
-- default TOAST compression (pglz) spent a quarter millisecond of the server's CPU on that per mail in the
-- bench (`npm run bench -- --statements DIR`; docs/operations.md); lz4 compresses this HTML as well at a
-- fraction of the CPU. Only values written from now on use it; a server built without lz4 keeps pglz.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE message_parts ALTER COLUMN body SET COMPRESSION lz4;
    ALTER TABLE messages ALTER COLUMN content SET COMPRESSION lz4;
  END IF;
END
$$;
