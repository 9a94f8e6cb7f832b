-- 005-channels-archive: the archive of what each message was when it left the street (exact bytes per
-- part: the SMTP message, the TwiML of a call, the PDF of a letter), every status change of a message,
-- print batches for letters, and the retention sweep's marker.

-- One row per part of a message, byte for byte as handed to the provider. PDFs live here as bytea, never
-- in jsonb. `part` is the name the archive API serves (eml, html, text, sms, voice, twiml, pdf, json).
CREATE TABLE message_parts (
  message_id   uuid        NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  corporation  text        NOT NULL,
  part         text        NOT NULL,
  content_type text        NOT NULL,
  body         bytea       NOT NULL,
  sha256       text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, part)
);

-- Every status a message went through (sending, sent, delivered, opened, clicked, bounced, failed,
-- handed-to-print, ...). Status changes on `messages` are recorded by the trigger below, whoever makes
-- them; events that do not change the status (opened, clicked) are inserted directly.
CREATE TABLE message_status_history (
  id          bigserial   PRIMARY KEY,
  message_id  uuid        NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  corporation text        NOT NULL,
  status      text        NOT NULL,
  source      text,
  detail      jsonb,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_status_history_message_idx ON message_status_history (message_id, id);

-- A writer may say where a change came from (set_config('outputstraat.status_source', 'twilio', true)
-- and 'outputstraat.status_detail' as JSON) in the same transaction; the trigger records it.
CREATE FUNCTION record_message_status() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  detail_text text := nullif(current_setting('outputstraat.status_detail', true), '');
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO message_status_history (message_id, corporation, status, source, detail)
    VALUES (NEW.id, NEW.corporation, NEW.status,
            nullif(current_setting('outputstraat.status_source', true), ''),
            CASE WHEN detail_text IS NULL THEN NULL ELSE detail_text::jsonb END);
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER messages_status_history AFTER INSERT OR UPDATE OF status ON messages
  FOR EACH ROW EXECUTE FUNCTION record_message_status();

-- A provider's report can overtake the dispatcher: a Twilio status callback or a bounce may arrive before
-- the dispatcher records 'sent'. That late 'sent' keeps the provider id and time but not the status.
CREATE FUNCTION keep_reported_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'sent' AND OLD.status IN ('delivered', 'bounced', 'failed') THEN
    NEW.status := OLD.status;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER messages_keep_reported_status BEFORE UPDATE OF status ON messages
  FOR EACH ROW EXECUTE FUNCTION keep_reported_status();

-- When the retention sweep removed the personal content (content, recipient, subject, parts).
ALTER TABLE messages ADD COLUMN purged_at timestamptz;
CREATE INDEX messages_retention_idx ON messages (corporation, created_at) WHERE purged_at IS NULL;
-- The archive per debtor: receivables of one debtor of one corporation.
CREATE INDEX receivables_debtor_idx ON receivables (corporation, (debtor ->> 'id'));

-- Letters wait in a batch per (corporation, channel) until it is full or its cutoff passes, then the
-- batch (PDFs and a manifest) is uploaded to the print provider over SFTP.
CREATE TABLE print_batches (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation     text        NOT NULL,
  channel         text        NOT NULL,
  status          text        NOT NULL DEFAULT 'open'
                              CHECK (status IN ('open', 'closed', 'uploading', 'uploaded')),
  letters         integer     NOT NULL DEFAULT 0,
  close_at        timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  closed_at       timestamptz,
  claimed_at      timestamptz,
  claimed_by      text,
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error      text,
  uploaded_at     timestamptz,
  file_prefix     text        NOT NULL
);
-- At most one open batch per channel of a corporation.
CREATE UNIQUE INDEX print_batches_open_idx ON print_batches (corporation, channel) WHERE status = 'open';
CREATE INDEX print_batches_due_idx ON print_batches (status, close_at);

CREATE TABLE print_letters (
  message_id  uuid        PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  batch_id    uuid        NOT NULL REFERENCES print_batches (id) ON DELETE CASCADE,
  corporation text        NOT NULL,
  seq         integer     NOT NULL,
  file_name   text        NOT NULL,
  pages       integer     NOT NULL,
  registered  boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (batch_id, seq)
);
