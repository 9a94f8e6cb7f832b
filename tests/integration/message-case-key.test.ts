// Migration 038: messages (case_id) is gone; messages (case_id, engine_message_id) answers a case's
// messages, and deleting a case still removes its messages. Real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, sql } from '../../platform/db/index.js';
import { createMigratedDatabase, insertBareCases, type TestDatabase } from '../support/postgres.js';

let testDb: TestDatabase & { db: Database };
let caseId: string;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  const { receivable, cases } = await insertBareCases(testDb.db, 1);
  caseId = cases[0] as string;
  for (const n of [1, 2])
    await testDb.db.query(sql.unsafe`
      INSERT INTO messages (case_id, receivable_id, corporation, channel, channel_type, status, engine_message_id)
      VALUES (${caseId}, ${receivable}, 'woonstad', 'mail', 'email', 'sent', ${`m${n}`})`);
});
afterAll(async () => {
  await testDb?.drop();
});

describe('messages found by case through (case_id, engine_message_id)', () => {
  it('has no index on case_id alone', async () => {
    const indexes = await testDb.db.anyFirst(sql.unsafe`
      SELECT indexname FROM pg_indexes WHERE tablename = 'messages' ORDER BY indexname`);
    expect(indexes).toContain('messages_case_engine_idx');
    expect(indexes).not.toContain('messages_case_idx');
  });

  it("reads a case's messages from the wider index", async () => {
    const plan = await testDb.db.transaction(async (tx) => {
      // Tables this small would be read whole; the question is whether the index can answer at all.
      await tx.query(sql.unsafe`SET LOCAL enable_seqscan = off`);
      const rows = await tx.any(
        sql.unsafe`EXPLAIN SELECT min(sent_at) FROM messages WHERE case_id = ${caseId}`,
      );
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
    expect(plan).toContain('messages_case_engine_idx');
  });

  it('removes a deleted case’s messages', async () => {
    await testDb.db.query(sql.unsafe`DELETE FROM cases WHERE id = ${caseId}`);
    expect(
      await testDb.db.oneFirst(sql.unsafe`SELECT count(*)::int FROM messages WHERE case_id = ${caseId}`),
    ).toBe(0);
  });
});
