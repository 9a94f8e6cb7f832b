-- Replies and tasks (docs/adr/0007-debtor-dossiers.md, "Replies and tasks").
--
-- A debtor's SMS or email reply: matched to the debtor (by the number it came from, or by the per-message
-- reply address an email answered), classified by the corporation's reply rules, and what followed.
-- Unmatched replies are kept with no debtor, for a consultant.
CREATE TABLE replies (
  id            uuid        PRIMARY KEY,
  corporation   text        NOT NULL,
  debtor_ref    uuid,
  -- Our message the reply answers (the email's reply address, or the last SMS to that number).
  message_id    uuid,
  channel       text        NOT NULL CHECK (channel IN ('sms', 'email')),
  -- The provider's id of the reply (Twilio MessageSid, the email's Message-ID): a repeat is stored once.
  provider_id   text,
  -- Personal: the phone number or email address it came from, and what the debtor wrote.
  sender        text,
  text          text,
  class         text        NOT NULL,
  action        text        NOT NULL CHECK (action IN ('pause-and-task', 'opt-out', 'record')),
  decided_by    text        NOT NULL,
  received_at   timestamptz NOT NULL,
  erased_at     timestamptz
);
CREATE UNIQUE INDEX replies_provider_idx ON replies (corporation, channel, provider_id)
  WHERE provider_id IS NOT NULL;
CREATE INDEX replies_debtor_idx ON replies (debtor_ref, received_at) WHERE debtor_ref IS NOT NULL;
CREATE INDEX replies_message_idx ON replies (message_id) WHERE message_id IS NOT NULL;

-- Work for people: the staff console's lists. A task names the debtor and dossier it is about, never
-- personal data in its title.
CREATE TABLE tasks (
  id             uuid        PRIMARY KEY,
  corporation    text        NOT NULL,
  kind           text        NOT NULL CHECK (kind IN ('alert', 'reply', 'lapsed-arrangement', 'dead-letter')),
  debtor_ref     uuid,
  case_id        uuid,
  reply_id       uuid,
  title          text        NOT NULL,
  status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assigned', 'snoozed', 'done')),
  assignee       text,
  due_at         timestamptz,
  snoozed_until  timestamptz,
  closed_by      text,
  closed_at      timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_list_idx ON tasks (corporation, status, created_at);
CREATE INDEX tasks_debtor_idx ON tasks (debtor_ref) WHERE debtor_ref IS NOT NULL;
CREATE TRIGGER tasks_updated_at BEFORE UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- An email's reply address reply+<token>@<reply domain>: the token is derived from the message id (like a
-- link token, ADR 0008) and only its SHA-256 is stored, so the database alone cannot forge a reply.
ALTER TABLE messages ADD COLUMN reply_token_sha256 bytea;
CREATE UNIQUE INDEX messages_reply_token_idx ON messages (reply_token_sha256)
  WHERE reply_token_sha256 IS NOT NULL;
-- The last SMS to a number, to match an SMS reply to its debtor (the number as digits and '+' only).
CREATE INDEX messages_sms_recipient_idx
  ON messages (corporation, (regexp_replace(recipient, '[^0-9+]', '', 'g')), created_at)
  WHERE channel_type = 'sms';
