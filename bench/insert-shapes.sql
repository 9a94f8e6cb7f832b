-- The intake statement shapes of issue #16, side by side on one migrated database (docs/operations.md,
-- "Capacity"): 100 batches of 1,000 new debtors or steps each, then the same debtors again once stored,
-- three rounds, each shape after the other. The debtors go into a table that already holds 300,000, with
-- statistics, as a street's does: on a just emptied table the planner joins by reading the whole table
-- (a hash join), which says nothing about a street.
-- Then 300,000 events as 100 multi-row INSERTs against as 100 COPYs (the batches are written to the database
-- server's /tmp/shapes-events-*.copy first, untimed, so it must run as a superuser like `postgres`).
-- Run it on a scratch database, never on a street's: it empties debtors, steps and events.
-- Since migration 040 the events' table is `event_rows` (`events` is a view of it); the script writes the table.
--   createdb -h 127.0.0.1 -U postgres shapes
--   for f in platform/db/migrations/*.sql; do psql -q -h 127.0.0.1 -U postgres -d shapes -f "$f"; done
--   psql -h 127.0.0.1 -U postgres -d shapes -f bench/insert-shapes.sql
\set QUIET on


-- The runtime's debtor upsert (runtime/dossiers/debtor-repository.ts), then how it finds the ids of the
-- debtors the upsert did not return: `tail`. Run with EXECUTE, so each batch is planned with its values,
-- as the runtime's statements are (PL/pgSQL would otherwise reuse one generic plan after five batches).
CREATE OR REPLACE FUNCTION pg_temp.debtors_upsert_cte(tail text, prefix text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE b int; n int;
BEGIN
  FOR b IN 0..99 LOOP
    EXECUTE format($q$
    WITH input AS (
      SELECT gen_random_uuid() AS id, 'shapes'::text AS corporation, $2 || '-' || ($1 * 1000 + g) AS debtor_id,
        NULL::text AS household_id,
        jsonb_build_object('name', 'Huurder ' || ($1 * 1000 + g), 'email', 'huurder-' || ($1 * 1000 + g) || '@example.org',
          'locale', 'nl') AS contact,
        NULL::int8 AS data_version, now() AS data_at
      FROM generate_series(1, 1000) g
    ), up AS (
      INSERT INTO debtors AS d (id, corporation, debtor_id, household_id, contact, data_version, data_at)
      SELECT id, corporation, debtor_id, household_id, contact, data_version, data_at FROM input
      ON CONFLICT (corporation, debtor_id) DO UPDATE SET
        contact = EXCLUDED.contact, household_id = EXCLUDED.household_id,
        data_version = EXCLUDED.data_version, data_at = EXCLUDED.data_at
      WHERE (d.contact IS DISTINCT FROM EXCLUDED.contact OR d.household_id IS DISTINCT FROM EXCLUDED.household_id)
        AND CASE WHEN d.data_version IS NOT NULL AND EXCLUDED.data_version IS NOT NULL
                 THEN EXCLUDED.data_version > d.data_version
                 ELSE EXCLUDED.data_at >= d.data_at END
      RETURNING d.id, d.corporation, d.debtor_id
    ) %s$q$, tail) INTO n USING b, prefix;
  END LOOP;
END $$;

-- As the runtime: the union with a join of every input row the upsert did not return.
\set union_tail 'SELECT count(*) FROM (SELECT id FROM up UNION ALL SELECT d.id FROM debtors d JOIN input i USING (corporation, debtor_id) WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.corporation = i.corporation AND up.debtor_id = i.debtor_id)) x'
-- Tried and not kept: those rows first, as a MATERIALIZED CTE, then the join.
\set rest_tail ', rest AS MATERIALIZED (SELECT corporation, debtor_id FROM input i WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.corporation = i.corporation AND up.debtor_id = i.debtor_id)) SELECT count(*) FROM (SELECT id FROM up UNION ALL SELECT d.id FROM rest JOIN debtors d USING (corporation, debtor_id)) x'

CREATE OR REPLACE FUNCTION pg_temp.debtors_do_nothing_batch(b int, prefix text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
  WITH up AS (
    INSERT INTO debtors (id, corporation, debtor_id, household_id, contact, data_version, data_at)
    SELECT gen_random_uuid(), 'shapes', prefix || '-' || (b * 1000 + g), NULL,
      jsonb_build_object('name', 'Huurder ' || (b * 1000 + g), 'email', 'huurder-' || (b * 1000 + g) || '@example.org',
        'locale', 'nl'),
      NULL, now()
    FROM generate_series(1, 1000) g
    ON CONFLICT (corporation, debtor_id) DO NOTHING
    RETURNING id
  )
  SELECT count(*) INTO n FROM up;
  RETURN n;
END $$;

CREATE OR REPLACE FUNCTION pg_temp.debtors_insert_do_nothing(prefix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  FOR b IN 0..99 LOOP
    PERFORM pg_temp.debtors_do_nothing_batch(b, prefix);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION pg_temp.debtors_stored_three_statements(prefix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  FOR b IN 0..99 LOOP
    PERFORM pg_temp.debtors_do_nothing_batch(b, prefix);
    PERFORM d.id FROM debtors d
      JOIN (SELECT 'shapes'::text AS corporation, prefix || '-' || (b * 1000 + g) AS debtor_id FROM generate_series(1, 1000) g) i
      USING (corporation, debtor_id)
      ORDER BY d.corporation, d.debtor_id FOR UPDATE OF d;
    UPDATE debtors AS d SET contact = t.contact, household_id = t.household_id, data_version = t.data_version,
      data_at = t.data_at
    FROM (
      SELECT 'shapes'::text AS corporation, prefix || '-' || (b * 1000 + g) AS debtor_id, NULL::text AS household_id,
        jsonb_build_object('name', 'Huurder ' || (b * 1000 + g), 'email', 'huurder-' || (b * 1000 + g) || '@example.org',
          'locale', 'nl') AS contact,
        NULL::int8 AS data_version, now() AS data_at
      FROM generate_series(1, 1000) g) t
    WHERE d.corporation = t.corporation AND d.debtor_id = t.debtor_id
      AND (d.contact IS DISTINCT FROM t.contact OR d.household_id IS DISTINCT FROM t.household_id)
      AND CASE WHEN d.data_version IS NOT NULL AND t.data_version IS NOT NULL
               THEN t.data_version > d.data_version
               ELSE t.data_at >= d.data_at END;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION pg_temp.steps_insert(arbiter boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE b int;
  payload jsonb := '{"type": "send", "reason": "step", "stepId": "reminder-email", "alsoVia": [], "channel": "email",
    "template": "reminder-email", "messageId": "reminder-email.email.1", "registered": false, "channelType": "email"}';
BEGIN
  FOR b IN 0..99 LOOP
    IF arbiter THEN
      INSERT INTO steps (id, case_id, corporation, flow, step_id, kind, due_at, dedupe_key, payload, status)
      SELECT gen_random_uuid(), c, 'shapes', 'reminder', 'reminder-email', 'send', now(),
        c::text || ':send:reminder-email.email.1', payload, 'scheduled'
      FROM (SELECT gen_random_uuid() AS c FROM generate_series(1, 1000)) g
      ON CONFLICT (case_id, dedupe_key) DO UPDATE SET status = 'scheduled', reason = NULL, claimed_by = NULL,
        claimed_at = NULL, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload
      WHERE steps.status = 'cancelled' AND EXCLUDED.status = 'scheduled';
    ELSE
      INSERT INTO steps (id, case_id, corporation, flow, step_id, kind, due_at, dedupe_key, payload, status)
      SELECT gen_random_uuid(), c, 'shapes', 'reminder', 'reminder-email', 'send', now(),
        c::text || ':send:reminder-email.email.1', payload, 'scheduled'
      FROM (SELECT gen_random_uuid() AS c FROM generate_series(1, 1000)) g;
    END IF;
  END LOOP;
END $$;

-- Three rounds, each shape with debtor ids of its own (`u1`-…, `r1`-…, `n1`-…), steps after a TRUNCATE, in one
-- transaction; each time is printed as a WARNING line (the TRUNCATE cascade notices are kept quiet).
SET client_min_messages = warning;
TRUNCATE debtors CASCADE;
INSERT INTO debtors (id, corporation, debtor_id, contact, data_at)
SELECT gen_random_uuid(), 'shapes', 'S-' || g,
  jsonb_build_object('name', 'Huurder ' || g, 'email', 'huurder-' || g || '@example.org', 'locale', 'nl'), now()
FROM generate_series(1, 300000) g;
ANALYZE debtors;
SELECT set_config('shapes.union_tail', :'union_tail', false), set_config('shapes.rest_tail', :'rest_tail', false) \g /dev/null
DO $$
DECLARE t0 timestamptz; r int;
  union_tail text := current_setting('shapes.union_tail');
  rest_tail text := current_setting('shapes.rest_tail');
BEGIN
  -- Every statement planned with its batch's values, as the runtime's are.
  SET LOCAL plan_cache_mode = force_custom_plan;
  FOR r IN 1..3 LOOP
    t0 := clock_timestamp(); PERFORM pg_temp.debtors_upsert_cte(union_tail, 'u' || r);
    RAISE WARNING 'round %: debtors, upsert (DO UPDATE in a CTE, then a union): % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp(); PERFORM pg_temp.debtors_upsert_cte(rest_tail, 'r' || r);
    RAISE WARNING 'round %: debtors, upsert, then a join of the rest only: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp(); PERFORM pg_temp.debtors_insert_do_nothing('n' || r);
    RAISE WARNING 'round %: debtors, insert (DO NOTHING): % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    -- The same 100,000 debtors again, all stored and unchanged (a later month's rent day).
    t0 := clock_timestamp(); PERFORM pg_temp.debtors_upsert_cte(union_tail, 'u' || r);
    RAISE WARNING 'round %: stored debtors, upsert: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp(); PERFORM pg_temp.debtors_upsert_cte(rest_tail, 'r' || r);
    RAISE WARNING 'round %: stored debtors, upsert, then a join of the rest only: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp(); PERFORM pg_temp.debtors_stored_three_statements('n' || r);
    RAISE WARNING 'round %: stored debtors, insert DO NOTHING + lock + update: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    TRUNCATE steps CASCADE; t0 := clock_timestamp(); PERFORM pg_temp.steps_insert(true);
    RAISE WARNING 'round %: steps, with the ON CONFLICT arbiter: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    TRUNCATE steps CASCADE; t0 := clock_timestamp(); PERFORM pg_temp.steps_insert(false);
    RAISE WARNING 'round %: steps, plain insert: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END $$;

-- Events, the rows intake writes three of a receivable: the runtime's INSERT of unnest arrays against COPY
-- of the same rows (not built: slonik has no COPY), and the INSERT with the events' sequence cached per
-- session.
TRUNCATE event_rows;
-- 100 batches of 3,000 events as the runtime sends them: one array literal a column, jsonb as lines.
DROP TABLE IF EXISTS pg_temp.ev_batches;
CREATE TEMP TABLE ev_batches AS
SELECT b,
  array_agg('shapes'::text)::text AS corporation,
  array_agg(r)::text AS receivable_id,
  array_agg(c)::text AS case_id,
  array_agg('DUR-' || lpad((b * 1000 + g / 3)::text, 7, '0'))::text AS external_id,
  array_agg((ARRAY['receivable.accepted', 'case.started', 'case.completed'])[g % 3 + 1])::text AS type,
  string_agg(jsonb_build_object('kind', 'rent', 'flow', 'reminder', 'classification', 'standard', 'decidedBy', 'default')::text, E'\n') AS data,
  array_agg(now())::text AS at,
  array_agg(false)::text AS personal
FROM generate_series(0, 99) b, LATERAL (
  SELECT g, gen_random_uuid() AS r, gen_random_uuid() AS c FROM generate_series(0, 2999) g) x
GROUP BY b;
-- The runtime's INSERT of a batch of events, batch after batch.
CREATE OR REPLACE FUNCTION pg_temp.events_insert() RETURNS void LANGUAGE plpgsql AS $$
DECLARE row record;
BEGIN
  FOR row IN SELECT * FROM ev_batches ORDER BY b LOOP
    INSERT INTO event_rows (corporation, receivable_id, case_id, external_id, type, data, at, personal)
    SELECT * FROM unnest(row.corporation::text[], row.receivable_id::uuid[], row.case_id::uuid[], row.external_id::text[],
      row.type::text[], string_to_array(row.data, E'\n')::jsonb[], row.at::timestamptz[], row.personal::bool[]);
  END LOOP;
END $$;
DO $$
DECLARE t0 timestamptz; r int; b int;
BEGIN
  FOR b IN 0..99 LOOP
    EXECUTE format($q$COPY (SELECT t.corporation, t.receivable_id, t.case_id, t.external_id, t.type, t.data, t.at, t.personal
      FROM ev_batches e, unnest(e.corporation::text[], e.receivable_id::uuid[], e.case_id::uuid[], e.external_id::text[],
        e.type::text[], string_to_array(e.data, E'\n')::jsonb[], e.at::timestamptz[], e.personal::bool[])
        AS t (corporation, receivable_id, case_id, external_id, type, data, at, personal) WHERE b = %s)
      TO '/tmp/shapes-events-%s.copy'$q$, b, b);
  END LOOP;
  FOR r IN 1..3 LOOP
    TRUNCATE event_rows; t0 := clock_timestamp();
    PERFORM pg_temp.events_insert();
    RAISE WARNING 'round %: 300,000 events, INSERT of unnest: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    TRUNCATE event_rows; t0 := clock_timestamp();
    FOR b IN 0..99 LOOP
      EXECUTE format('COPY event_rows (corporation, receivable_id, case_id, external_id, type, data, at, personal) FROM %L',
        '/tmp/shapes-events-' || b || '.copy');
    END LOOP;
    RAISE WARNING 'round %: 300,000 events, COPY: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    ALTER SEQUENCE events_seq_seq CACHE 1000;
    TRUNCATE event_rows; t0 := clock_timestamp();
    PERFORM pg_temp.events_insert();
    RAISE WARNING 'round %: 300,000 events, INSERT of unnest, seq CACHE 1000: % ms', r, round(extract(epoch FROM clock_timestamp() - t0) * 1000);
    ALTER SEQUENCE events_seq_seq CACHE 1;
  END LOOP;
END $$;
