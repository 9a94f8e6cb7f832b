-- 040-folded-events: the events a transaction writes about one receivable share one row (issue #16).
-- A rent-day receivable wrote three event rows (receivable.accepted, case.started and, for a flow whose
-- first turn ends the case, case.completed), each with its two index entries: three of the seven rows
-- intake writes. On 2 cores the pipeline took 8 to 31 % more receivables a second in four rounds alternated
-- with the code before, and 7 % less WAL a receivable (docs/operations.md, "Capacity", for the commands).
--
-- The table is `event_rows` now. A row holds one event as before and, in `more`, up to three later events
-- of the same transaction with the same corporation, receivable, externalId and time — never one that holds
-- personal data (those keep a row of their own, so retention and erasure find them by `personal`). The
-- sequence steps by 4: a row owns seq .. seq + 3, its first event is seq and the n-th event in `more` is
-- seq + n, so every event keeps a number of its own and the feed's cursor (xact, seq) still points at one
-- event (runtime/dossiers/event-feed.ts reads the rows and unfolds them itself).
--
-- `events` is a view of one row an event, in the columns the table had: every reader sees what it saw,
-- and a pod of the previous release, still running while the next one rolls out, reads the folded events
-- too and still writes its rows (INSERT and COPY reach the table through the view's trigger).
ALTER TABLE events RENAME TO event_rows;
ALTER TABLE event_rows ADD COLUMN more jsonb;
ALTER SEQUENCE events_seq_seq INCREMENT BY 4;

-- One row an event, each row's events by a lateral subquery rather than a UNION ALL of two scans: a join on
-- receivable_id (the outcomes, the replay) then still reads event_rows through its index, row by row, where
-- the planner would scan both halves of a UNION ALL whole (a member of two relations cannot take the join's
-- condition).
CREATE VIEW events AS
  SELECT x.seq, e.corporation, e.receivable_id, x.case_id, e.external_id, x.type, x.data, e.at, e.xact, x.personal
  FROM event_rows e CROSS JOIN LATERAL (
    SELECT e.seq, e.case_id, e.type, e.data, e.personal
    UNION ALL
    SELECT e.seq + f.n, (f.event->>'caseId')::uuid, f.event->>'type', coalesce(f.event->'data', '{}'), false
    FROM jsonb_array_elements(e.more) WITH ORDINALITY AS f (event, n)
  ) x;

CREATE FUNCTION events_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rows (corporation, receivable_id, case_id, external_id, type, data, at, personal)
  VALUES (NEW.corporation, NEW.receivable_id, NEW.case_id, NEW.external_id, NEW.type,
    coalesce(NEW.data, '{}'), coalesce(NEW.at, now()), coalesce(NEW.personal, false))
  RETURNING seq, data, at, xact, personal INTO NEW.seq, NEW.data, NEW.at, NEW.xact, NEW.personal;
  RETURN NEW;
END $$;

CREATE TRIGGER events_insert INSTEAD OF INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_insert();
