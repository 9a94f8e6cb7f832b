-- 008-dead-letters: messages the runtime gave up on. An intake or dispatch message that cannot be read,
-- that the database refuses, or that still fails after the consumer's deliveries (OST_MAX_DELIVER) is
-- kept here and then acknowledged, so it never blocks or slows anything else; an operator lists and
-- re-drives it through GET /v1/dead-letters and POST /v1/dead-letters/{id}/retry (or the CLI).
--
-- PRIVACY: `payload` is the message as it was published, or for one receivable out of a chunk that
-- receivable's own intake envelope: it holds the debtor's personal data (name, contact details,
-- address) exactly like receivables.payload, because a re-drive needs it. It is only ever returned to
-- the corporation's own API key and never logged; erasure of a debtor's data must clear it too (it is
-- not yet swept: see docs/operations.md). `code` and `reason` never carry personal data: they are
-- written from the error registry, field names and SQLSTATE codes only.
CREATE TABLE dead_letters (
  id             uuid        PRIMARY KEY,
  -- From the message's subject (ost.intake.<corporation>, ost.dispatch.<corporation>.<type>): the
  -- subject is what NATS permissions narrow, so a message cannot claim another corporation's name.
  corporation    text        NOT NULL,
  stream         text        NOT NULL,
  subject        text        NOT NULL,
  stream_seq     bigint      NOT NULL,
  -- What makes one dead letter unique: stream, sequence and publish time (a recreated stream reuses
  -- sequences, never with the same nanosecond), plus the receivable for one out of a chunk. Recording
  -- a dead letter twice (the runtime died between the insert and the ack) keeps the first row.
  dedupe_key     text        NOT NULL UNIQUE,
  external_id    text,
  -- Dispatch: the step row the message pointed at, which the dead letter marked failed.
  step_row_id    uuid,
  code           text        NOT NULL,
  reason         text        NOT NULL,
  payload        bytea       NOT NULL,
  deliveries     integer     NOT NULL,
  published_at   timestamptz NOT NULL,
  dead_at        timestamptz NOT NULL DEFAULT now(),
  redriven_at    timestamptz,
  redrive_count  integer     NOT NULL DEFAULT 0
);
CREATE INDEX dead_letters_corporation_idx ON dead_letters (corporation, dead_at DESC, id DESC);
