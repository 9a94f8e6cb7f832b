-- 039-email-part-views: an email's HTML and text are archived once, inside its `eml` part (issue #16).
-- Until now each sent mail also stored them as `html` and `text` rows of their own: two rows, their
-- primary key entries and about 7 KB more a mail to Postgres, for bytes the `eml` already holds. From now
-- on the `eml` row lists them in `views` — a JSON array of {part, contentType, bytes, sha256}, the size
-- and hash of each as it reads back out of the email with LF line ends — and the runtime reads them out of
-- the `eml` (runtime/archive/email-views.ts). Rows stored before keep their `html` and `text` rows; both
-- shapes are read the same way.
ALTER TABLE message_parts ADD COLUMN IF NOT EXISTS views jsonb;
