-- Whether the append-only `events` table needs partitioning at a national street's numbers (issue #16,
-- docs/operations.md "Sizing a national street"). Rent day writes three events a receivable; a month of a
-- national street about 7 million. This times, on one migrated scratch database, three rounds each of:
--   1. a rent-day slice of events written as intake writes them (100 COPYs of 3,000 rows, each its own
--      transaction) into `events` while it is empty;
--   2. the same slice into a copy of `events` partitioned by month on `at`, also empty (what partitioning
--      costs each write), alternating with 1.;
--   3. the same after `events` was filled with :fill rows (default 30 million, four months of a national
--      street) of 40 corporations, dated over the past year (each round's slice stays: the rows grow);
-- and then, at both sizes, reading one receivable's events (the timeline, by receivable_id) 2,000 times (the
-- last slice's receivables when empty, the fill's all over when filled) and a page of 500 of one
-- corporation's feed 200 times, a third into its events; and last, retention's statement for one batch of
-- 500 personal events past their days (runtime/dossiers/erase-rows.ts) as it matched them by seq until
-- 2026-12-07 and as it matches them by their place (ctid) since, each on a corporation of its own.
-- The batches are written to the database server's /tmp/scale-events-*.copy first, untimed, so it must run
-- as a superuser like `postgres`. Run it on a scratch database, never on a street's: it empties `events`.
-- Since migration 040 the events' table is `event_rows` (`events` is a view of it); the script writes the table.
--   createdb -h 127.0.0.1 -U postgres scale
--   for f in platform/db/migrations/*.sql; do psql -q -h 127.0.0.1 -U postgres -d scale -f "$f"; done
--   psql -h 127.0.0.1 -U postgres -d scale -v fill=30000000 -f bench/events-at-scale.sql
\set QUIET on
\if :{?fill}
\else
  \set fill 30000000
\endif

-- Receivable n's id (kind 1) or its case's (kind 2): ordered by n, as uuid v7 ids are by time.
CREATE FUNCTION pg_temp.id(n bigint, kind int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (substr(lpad(to_hex(n), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(n), 12, '0'), 9, 4)
    || '-7000-8000-00000000000' || kind)::uuid $$;

-- Event g of a run of receivables: receivable.accepted, case.started, case.completed, as intake writes them.
CREATE FUNCTION pg_temp.type_of(g bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['receivable.accepted', 'case.started', 'case.completed'])[g % 3 + 1] $$;
CREATE FUNCTION pg_temp.data_of(g bigint) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['{"kind": "rent"}', '{"flow": "reminder", "decidedBy": "default", "classification": "rent"}',
    '{"reason": "all steps done"}'])[g % 3 + 1]::jsonb $$;

-- Three slices (rounds 1 to 3), each 300,000 events of 100,000 receivables (accepted, started, completed),
-- 3,000 a batch, with receivable and case ids after every id of the fill and of the slices before it, like
-- each day's new rows.
TRUNCATE event_rows;
SELECT format($q$
  COPY (SELECT 'corp-7' AS corporation,
      pg_temp.id(200000000 + %1$s * 100000 + %2$s * 1000 + g / 3, 1) AS receivable_id,
      pg_temp.id(200000000 + %1$s * 100000 + %2$s * 1000 + g / 3, 2) AS case_id,
      CASE g %% 3 WHEN 0 THEN 'RENT-' || (%1$s * 100000 + %2$s * 1000 + g / 3) END AS external_id,
      pg_temp.type_of(g) AS type, pg_temp.data_of(g) AS data,
      now() AS at, false AS personal
    FROM generate_series(0, 2999) g)
  TO '/tmp/scale-events-%1$s-%2$s.copy'$q$, r, b)
FROM generate_series(1, 3) r, generate_series(0, 99) b \gexec

-- One timed slice into `target`; each COPY is its own transaction, as each intake batch is.
CREATE TEMP TABLE timings (what text, ms numeric);
CREATE PROCEDURE pg_temp.slice(target text, round int, label text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  FOR b IN 0..99 LOOP
    EXECUTE format('COPY %I (corporation, receivable_id, case_id, external_id, type, data, at, personal) FROM %L',
      target, '/tmp/scale-events-' || round || '-' || b || '.copy');
    COMMIT;
  END LOOP;
  INSERT INTO timings VALUES (format('%s, round %s: 300,000 events in 100 COPYs', label, round),
    round(extract(epoch FROM clock_timestamp() - t0) * 1000));
END $$;

-- The reads, each timed as a whole: a receivable's events (the timeline), then a corporation's feed page
-- from a cursor a third into its events (runtime/dossiers/event-feed.ts).
CREATE FUNCTION pg_temp.reads(label text, fill bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; c record; n int;
BEGIN
  t0 := clock_timestamp();
  FOR i IN 1..2000 LOOP
    SELECT count(*) INTO n FROM (SELECT type, data FROM event_rows
      WHERE receivable_id = pg_temp.id(CASE WHEN fill = 0 THEN 200300000 + (i * 7919) % 100000
        ELSE (i * 7919) % (fill / 3) END, 1)
      ORDER BY seq) x;
  END LOOP;
  INSERT INTO timings VALUES (label || ': 2,000 timelines', round(extract(epoch FROM clock_timestamp() - t0) * 1000));
  SELECT xact, seq INTO c FROM event_rows WHERE corporation = 'corp-7'
    ORDER BY xact, seq OFFSET (SELECT count(*) / 3 FROM event_rows WHERE corporation = 'corp-7') LIMIT 1;
  t0 := clock_timestamp();
  FOR i IN 1..200 LOOP
    SELECT count(*) INTO n FROM (SELECT e.xact, e.seq, e.type, e.data FROM event_rows e
      WHERE e.corporation = 'corp-7' AND (e.xact, e.seq) > (coalesce(c.xact, '0'::xid8), coalesce(c.seq, 0) + i)
        AND e.xact < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.xact, e.seq LIMIT 500) x;
  END LOOP;
  INSERT INTO timings VALUES (label || ': 200 feed pages of 500', round(extract(epoch FROM clock_timestamp() - t0) * 1000));
END $$;

-- 1. and 2. Empty, and partitioned by month on `at` (a partitioned table's keys must hold the partition
-- key; thirteen partitions, the past year's and the next month), alternating, each emptied before a round.
CREATE TABLE events_by_month (LIKE event_rows INCLUDING DEFAULTS) PARTITION BY RANGE (at);
ALTER TABLE events_by_month ADD PRIMARY KEY (corporation, xact, seq, at);
CREATE INDEX ON events_by_month (receivable_id) WHERE receivable_id IS NOT NULL;
CREATE INDEX ON events_by_month (corporation, at) WHERE personal;
SELECT format('CREATE TABLE events_by_month_%s PARTITION OF events_by_month FOR VALUES FROM (%L) TO (%L)',
  m, date_trunc('month', now()) + (m - 11) * interval '1 month', date_trunc('month', now()) + (m - 10) * interval '1 month')
FROM generate_series(0, 12) m \gexec
SELECT s FROM generate_series(1, 3) r, LATERAL (VALUES
  (1, 'TRUNCATE event_rows'), (2, 'CHECKPOINT'), (3, format($q$CALL pg_temp.slice('event_rows', %s, 'empty events')$q$, r)),
  (4, 'TRUNCATE events_by_month'), (5, 'CHECKPOINT'),
  (6, format($q$CALL pg_temp.slice('events_by_month', %s, 'empty events partitioned by month')$q$, r))) v (o, s)
ORDER BY r, o \gexec
DROP TABLE events_by_month;
ANALYZE event_rows;
SELECT FROM pg_temp.reads('empty events', 0) \g /dev/null

-- 3. Filled: :fill rows of 40 corporations dated over the past year, in receivable order (ids as uuid v7 are,
-- by time), one transaction id per 3,000 rows like intake's batches; one receivable in 301 with a personal
-- event.
TRUNCATE event_rows;
ALTER TABLE event_rows SET (autovacuum_enabled = false);
INSERT INTO event_rows (corporation, receivable_id, case_id, external_id, type, data, at, xact, personal)
SELECT 'corp-' || (g / 3) % 40,
  pg_temp.id(g / 3, 1),
  pg_temp.id(g / 3, 2),
  CASE g % 3 WHEN 0 THEN 'RENT-' || g / 3 END,
  pg_temp.type_of(g), pg_temp.data_of(g),
  now() - interval '365 days' + (g::float8 / :fill) * interval '365 days',
  ((g / 3000) + 1000)::text::xid8, g % 3 = 0 AND (g / 3) % 301 = 0
FROM generate_series(0, :fill - 1) g;
ALTER TABLE event_rows RESET (autovacuum_enabled);
VACUUM (ANALYZE) events;
SELECT s FROM generate_series(1, 3) r, LATERAL (VALUES (1, 'CHECKPOINT'),
  (2, format($q$CALL pg_temp.slice('event_rows', %s, 'events of %s rows')$q$, r, :fill))) v (o, s)
ORDER BY r, o \gexec
ANALYZE event_rows;
SELECT FROM pg_temp.reads(format('events of %s rows', :fill), :fill) \g /dev/null
-- Retention's batch, by seq and by ctid (the statement erase-rows.ts builds for events, as run by
-- runtime/archive/retention-sweep.ts), timed as a whole, each on a corporation of its own.
CREATE FUNCTION pg_temp.retention(key text, corporation text, label text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); n bigint;
BEGIN
  EXECUTE format($q$
    WITH picked AS (SELECT event_rows.%1$I AS k FROM event_rows WHERE event_rows.corporation = %2$L AND personal
        AND at < now() - interval '90 days' ORDER BY at LIMIT 500 FOR UPDATE SKIP LOCKED),
      erased AS (UPDATE event_rows SET data = '{}', personal = false FROM picked
        WHERE event_rows.%1$I = picked.k AND event_rows.corporation = %2$L RETURNING 1)
    SELECT count(*) FROM erased$q$, key, corporation) INTO n;
  INSERT INTO timings VALUES (format('%s: retention, 500 events matched by %s (%s erased)', label, key, n),
    round(extract(epoch FROM clock_timestamp() - t0) * 1000));
END $$;
SELECT FROM pg_temp.retention('seq', 'corp-1', format('events of %s rows', :fill)) \g /dev/null
SELECT FROM pg_temp.retention('ctid', 'corp-2', format('events of %s rows', :fill)) \g /dev/null
SELECT pg_size_pretty(pg_total_relation_size('event_rows')) AS events_size \gset
INSERT INTO timings SELECT format('events of %s rows: size with indexes %s', :fill, :'events_size'), NULL;
TRUNCATE event_rows;
COPY (SELECT) TO PROGRAM 'rm -f /tmp/scale-events-*.copy';

\set QUIET off
\pset tuples_only on
SELECT what, ms FROM timings;
