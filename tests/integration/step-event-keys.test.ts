// Migration 037: steps are unique by (case_id, dedupe_key), which also finds a case's steps (steps_case_idx
// is gone); events' primary key is the feed's order (corporation, xact, seq) — the table is event_rows since 040. This checks that a repeated
// step is still one row, that a cancelled step still comes back when the engine schedules it again, that
// two cases may use the same step id, and that the case and feed questions reach the keys. Real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, sql } from '../../platform/db/index.js';
import { insertSteps, type StepInsert } from '../../runtime/dossiers/index.js';
import { createMigratedDatabase, insertBareCases, type TestDatabase } from '../support/postgres.js';

let testDb: TestDatabase & { db: Database };
let caseA: string;
let caseB: string;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  [caseA, caseB] = (await insertBareCases(testDb.db, 2)).cases as [string, string];
});
afterAll(async () => {
  await testDb?.drop();
});

const step = (caseId: string, status: StepInsert['status'] = 'scheduled'): StepInsert => ({
  case_id: caseId,
  corporation: 'woonstad',
  flow: 'rent',
  step_id: 'wait',
  kind: 'due',
  due_at: '2026-12-20T09:00:00.000Z',
  dedupe_key: `${caseId}:due:wait:2026-12-20T09:00:00.000Z`,
  payload: {},
  status,
  reason: status === 'cancelled' ? 'paused' : null,
});

const stepsOf = (caseId: string) =>
  testDb.db.any(sql.unsafe`SELECT status, reason FROM steps WHERE case_id = ${caseId}`);

async function planOf(query: ReturnType<typeof sql.unsafe>): Promise<string> {
  return testDb.db.transaction(async (tx) => {
    // Tables this small would be read whole; the question is whether an index can answer at all.
    await tx.query(sql.unsafe`SET LOCAL enable_seqscan = off`);
    const rows = await tx.any(sql.unsafe`EXPLAIN ${query}`);
    return rows.map((r) => Object.values(r)[0]).join('\n');
  });
}

describe('steps unique by (case_id, dedupe_key)', () => {
  it('keeps one row for a step written twice, and brings a cancelled one back when scheduled again', async () => {
    await testDb.db.transaction((tx) => insertSteps(tx, [step(caseA, 'cancelled')]));
    await testDb.db.transaction((tx) => insertSteps(tx, [step(caseA, 'cancelled')]));
    expect(await stepsOf(caseA)).toEqual([{ status: 'cancelled', reason: 'paused' }]);
    await testDb.db.transaction((tx) => insertSteps(tx, [step(caseA)]));
    expect(await stepsOf(caseA)).toEqual([{ status: 'scheduled', reason: null }]);
  });

  it('refuses a second row with the same case and key, and lets another case use the same step', async () => {
    const s = step(caseA);
    await expect(
      testDb.db.query(sql.unsafe`
        INSERT INTO steps (case_id, corporation, step_id, kind, due_at, dedupe_key)
        VALUES (${s.case_id}, 'woonstad', 'wait', 'due', now(), ${s.dedupe_key})`),
    ).rejects.toMatchObject({ constraint: 'steps_case_dedupe_key' });
    await testDb.db.transaction((tx) => insertSteps(tx, [step(caseB)]));
    expect(await stepsOf(caseB)).toHaveLength(1);
  });

  it('inserts the steps of a case started in the same transaction without an arbiter; a stored key is an error', async () => {
    const started = String(
      await testDb.db.oneFirst(sql.unsafe`
        INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision)
        SELECT receivable_id, corporation, flow, flow_revision, bundle_revision FROM cases WHERE id = ${caseA}
        RETURNING id`),
    );
    await testDb.db.transaction((tx) => insertSteps(tx, [step(started)], { newCases: true }));
    expect(await stepsOf(started)).toEqual([{ status: 'scheduled', reason: null }]);
    await expect(
      testDb.db.transaction((tx) => insertSteps(tx, [step(started)], { newCases: true })),
    ).rejects.toMatchObject({ constraint: 'steps_case_dedupe_key' });
    expect(await stepsOf(started)).toHaveLength(1);
  });

  it('finds a case’s steps through the key, with no index of case_id alone left', async () => {
    expect(await planOf(sql.unsafe`SELECT id FROM steps WHERE case_id = ${caseA}`)).toContain(
      'steps_case_dedupe_key',
    );
    const indexes = await testDb.db.anyFirst(
      sql.unsafe`SELECT indexname FROM pg_indexes WHERE tablename = 'steps'`,
    );
    expect(indexes).not.toContain('steps_case_idx');
    expect(indexes).not.toContain('steps_dedupe_key_key');
  });
});

describe('events keyed by the feed order', () => {
  it('has (corporation, xact, seq) as its primary key, and the feed reads it', async () => {
    const key = await testDb.db.oneFirst(sql.unsafe`
      SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'event_rows'::regclass AND indisprimary`);
    expect(String(key)).toContain('(corporation, xact, seq)');
    const plan = await planOf(sql.unsafe`
      SELECT seq FROM event_rows WHERE corporation = 'woonstad' AND (xact, seq) > ('0'::xid8, 0::bigint)
      ORDER BY xact, seq LIMIT 10`);
    expect(plan).toContain('events_pkey');
  });
});
