-- 022-collections-law: proof of registered letters (docs/channels.md, "Registered letters").
--
-- print_return_files: every return file of a print provider that was processed (moved to processed/ on
-- its SFTP server): how many lines were recorded and refused, or why the whole file was refused. The
-- tracking events themselves are rows of message_status_history (registered.delivered / registered.returned).
CREATE TABLE print_return_files (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  corporation  text        NOT NULL,
  channel      text        NOT NULL,
  file_name    text        NOT NULL,
  sha256       text        NOT NULL,
  size         integer     NOT NULL,
  recorded     integer     NOT NULL DEFAULT 0,
  refused      integer     NOT NULL DEFAULT 0,
  refused_file text,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX print_return_files_idx ON print_return_files (corporation, channel, processed_at);
