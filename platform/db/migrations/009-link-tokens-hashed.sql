-- 009-link-tokens-hashed: link tokens are kept only as their SHA-256 (ADR 0008).
--
-- A link now has an id. New links are "derived": their token is HMAC-SHA256(OST_LINK_SECRET, id), so the
-- runtime can put the same link in a later message without the database ever holding the token. Links
-- made before this migration are "legacy": their random token is hashed here and its plaintext dropped;
-- they keep working for the messages already sent, until they expire, but are never put in a new message.
-- `used_at` marks a link spent by a form submission (a contact link closes once it is used).

ALTER TABLE links ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE links ADD COLUMN token_sha256 bytea;
ALTER TABLE links ADD COLUMN derived boolean NOT NULL DEFAULT false;
ALTER TABLE links ADD COLUMN used_at timestamptz;
UPDATE links SET token_sha256 = sha256(convert_to(token, 'UTF8'));

-- A payment started on a page remembers its link by id, not by token.
ALTER TABLE psp_payments ADD COLUMN link_id uuid;
UPDATE psp_payments p SET link_id = l.id FROM links l WHERE l.token = p.link_token;
ALTER TABLE psp_payments DROP COLUMN link_token;

ALTER TABLE links DROP COLUMN token;
ALTER TABLE links ALTER COLUMN token_sha256 SET NOT NULL;
ALTER TABLE links ADD CONSTRAINT links_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX links_token_sha256_idx ON links (token_sha256);
ALTER TABLE psp_payments ADD CONSTRAINT psp_payments_link_fkey FOREIGN KEY (link_id) REFERENCES links (id)
  ON DELETE SET NULL;

-- A dropped column stays in the table's pages until each row is rewritten, and the UPDATEs above left the
-- old row versions behind. CLUSTER writes both tables anew (dropped columns as NULL, dead rows gone), so
-- no plaintext token is left in their files. (WAL and backups taken before this migration still hold it.)
CLUSTER links USING links_pkey;
CLUSTER psp_payments USING psp_payments_pkey;
