// Migration 036 indexes a corporation's receivables by kind only for the campaign kinds (rent-day
// receivables no longer pay for an entry). This checks that the console's campaign questions still reach
// that index, with the kind as a bound parameter as slonik sends it, and that every campaign kind the code
// knows is one the index holds. Real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, sql } from '../../platform/db/index.js';
import { CAMPAIGN_KINDS } from '../../runtime/forms/campaign-answers.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';

let testDb: TestDatabase & { db: Database };

beforeAll(async () => {
  testDb = await createMigratedDatabase();
});
afterAll(async () => {
  await testDb?.drop();
});

async function planOf(corporation: string, kind: string): Promise<string> {
  return testDb.db.transaction(async (tx) => {
    // A table this small would be read whole; the question is whether the index can answer at all.
    await tx.query(sql.unsafe`SET LOCAL enable_seqscan = off`);
    const rows = await tx.any(sql.unsafe`
      EXPLAIN SELECT r.id FROM receivables r WHERE r.corporation = ${corporation} AND r.kind = ${kind}`);
    return rows.map((r) => Object.values(r)[0]).join('\n');
  });
}

describe('receivables_campaign_idx', () => {
  it.each(Object.values(CAMPAIGN_KINDS))('answers a corporation’s receivables of kind %s', async (kind) => {
    expect(await planOf('woonstad', kind)).toContain('receivables_campaign_idx');
  });

  it('is not used for other kinds, which it does not hold', async () => {
    expect(await planOf('woonstad', 'rent')).not.toContain('receivables_campaign_idx');
  });

  it('holds exactly the campaign kinds the code knows', async () => {
    const predicate = await testDb.db.oneFirst(sql.unsafe`
      SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'receivables_campaign_idx'::regclass`);
    const held = [...String(predicate).matchAll(/'([^']+)'::text/g)].map((m) => m[1]).sort();
    expect(held).toEqual(Object.values(CAMPAIGN_KINDS).sort());
  });
});
