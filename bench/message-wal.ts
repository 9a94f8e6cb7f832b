// `npx tsx bench/message-wal.ts`: what writing a message costs Postgres in WAL, with and without
// `messages (case_id)` (dropped by migration 038). In a migrated scratch database on TEST_DATABASE_URL's
// server, 9,600 messages are inserted 32 to a statement as 'sending' and updated to 'sent' with a provider
// id, as a dispatcher's group does (the status-history trigger runs too); three rounds each way, the index
// made again before each round "with" and dropped before each round "without". WAL bytes are the same on
// every machine; the time beside them is only a hint.
import { sql } from '../platform/db/index.js';
import { createMigratedDatabase, insertBareCases } from '../tests/support/postgres.js';

const MESSAGES = 9_600;
const GROUP = 32;

const t = await createMigratedDatabase();
const db = t.db;
try {
  const { receivable, cases } = await insertBareCases(db, 200);

  const round = async (label: string) => {
    const lsn = await db.oneFirst(sql.unsafe`SELECT pg_current_wal_lsn()::text`);
    const start = performance.now();
    for (let b = 0; b < MESSAGES / GROUP; b++) {
      const ids = await db.anyFirst(sql.unsafe`
        INSERT INTO messages (case_id, receivable_id, corporation, channel, channel_type, status, engine_message_id, content)
        SELECT (${sql.array(cases, 'uuid')})[1 + (g % 200)], ${receivable}, 'woonstad', 'mail', 'email',
          'sending', 'm' || g, '{"template": "reminder"}'
        FROM generate_series(1, ${GROUP}) g RETURNING id`);
      await db.query(sql.unsafe`
        UPDATE messages SET status = 'sent', provider_id = id::text, sent_at = now()
        WHERE id = ANY(${sql.array(ids as string[], 'uuid')})`);
    }
    const ms = performance.now() - start;
    const bytes = Number(
      await db.oneFirst(sql.unsafe`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ${lsn}::pg_lsn)::bigint`),
    );
    console.log(
      `${label}: ${(bytes / MESSAGES).toFixed(0)} WAL bytes a message, ${((ms / MESSAGES) * 1000).toFixed(0)} µs`,
    );
  };

  for (let r = 0; r < 3; r++) {
    await db.query(sql.unsafe`CREATE INDEX messages_case_idx ON messages (case_id)`);
    await round('with messages (case_id)   ');
    await db.query(sql.unsafe`DROP INDEX messages_case_idx`);
    await round('without (migration 038)   ');
  }
} finally {
  await t.drop();
}
