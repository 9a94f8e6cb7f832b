// The scheduler's claim on a shared street (lockDueSteps, runtime/dossiers/step-claims.ts) on a real
// PostgreSQL: corporations take due steps in lanes, so another corporation's single due send is in the
// first round while one corporation has a bulk of thousands due before it — and the lanes hold as
// replicas poll at once, each row taken by one of them only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, sql } from '../../platform/db/index.js';
import { dueStepsQuery, lockDueSteps } from '../../runtime/dossiers/index.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';

let test: TestDatabase & { db: Database };
let db: Database;

beforeAll(async () => {
  test = await createMigratedDatabase();
  db = test.db;
});
afterAll(async () => {
  await test?.drop();
});

const now = new Date('2026-12-03T10:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();

/** `count` receivables of `corporation`, each with a case and one step of `kind`, due `dueAt(i)`. */
async function steps(corporation: string, count: number, kind: string, dueAt: (i: number) => string) {
  await db.query(sql.unsafe`
    WITH r AS (
      INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, due_date, debtor, payload)
      SELECT ${corporation}, ${`${corporation}:${kind}:`} || i, 'rent', 100, 100, '2026-11-01', '{}', '{}'
      FROM generate_series(1, ${count}) i RETURNING id, external_id
    ), c AS (
      INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision)
      SELECT id, ${corporation}, 'rent', 'r1', 'b1' FROM r RETURNING id, receivable_id
    )
    INSERT INTO steps (case_id, corporation, step_id, kind, due_at, dedupe_key, status)
    SELECT c.id, ${corporation}, 'first', ${kind},
      ${dueAt(0)}::timestamptz + (split_part(r.external_id, ':', 3)::int - 1) * interval '1 ms',
      c.id || '/first/0', 'scheduled'
    FROM c JOIN r ON r.id = c.receivable_id`);
}

describe('due steps are claimed in lanes per corporation', () => {
  it("another corporation's single send is in the first round behind a bulk of 5,000, and timers too", async () => {
    // A: 5,000 sends due for the last hour; B: one send due 5 s ago; C: only steps due tomorrow.
    await steps('lane-a', 5_000, 'send', () => ago(3_600));
    await steps('lane-b', 1, 'send', () => ago(5));
    await steps('lane-c', 10, 'send', () => new Date(now.getTime() + 86_400_000).toISOString());
    await steps('lane-b', 1, 'due', () => ago(1));
    await steps('lane-a', 300, 'due', () => ago(7_200));
    const round = await db.transaction((tx) => lockDueSteps(tx, now, 100, 'sends'));
    const by = (list: typeof round, corporation: string) => list.filter((s) => s.corporation === corporation);
    expect(by(round, 'lane-b')).toHaveLength(1);
    expect(by(round, 'lane-a').length).toBeGreaterThanOrEqual(50);
    expect(by(round, 'lane-c')).toHaveLength(0);
    expect(round.every((s) => s.kind === 'send')).toBe(true);
    // A's share is its oldest.
    const aDue = by(round, 'lane-a').map((s) => new Date(s.due_at).getTime());
    expect(Math.max(...aDue)).toBeLessThan(new Date(ago(3_600)).getTime() + 100);
    const timers = await db.transaction((tx) => lockDueSteps(tx, now, 20, 'timers'));
    expect(by(timers, 'lane-b').map((s) => s.kind)).toEqual(['due']);
    expect(by(timers, 'lane-a')).toHaveLength(10);
  });

  it('replicas polling at once each take their own rows, in lanes', async () => {
    const seen: string[][] = [];
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Three replicas lock a round each while the others hold theirs (SKIP LOCKED): no row twice.
    const rounds = Array.from({ length: 3 }, () =>
      db.transaction(async (tx) => {
        const round = await lockDueSteps(tx, now, 60, 'sends');
        seen.push(round.map((s) => s.id));
        if (seen.length === 3) release();
        await hold;
        return round;
      }),
    );
    const all = await Promise.all(rounds);
    const ids = seen.flat();
    expect(new Set(ids).size).toBe(ids.length);
    // B's one send went to exactly one of them.
    expect(all.flat().filter((s) => s.corporation === 'lane-b')).toHaveLength(1);
  });

  it('a round beside 50,000 pending sends reads the pages of what it takes, not every pending step or case', async () => {
    // D: 50,000 sends due in a month; E: one due now. Each lane is probed for a due step, and each row
    // taken finds its case by key: as an EXISTS and a plain join, the planner read the lane's whole index
    // (10 ms a round in the bench) or hashed every case (1,100 pages here).
    await steps('lane-d', 50_000, 'send', () => new Date(now.getTime() + 30 * 86_400_000).toISOString());
    await steps('lane-e', 1, 'send', () => ago(1));
    await db.query(sql.unsafe`ANALYZE steps`);
    type Explained = { Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } };
    let plan: Explained | undefined;
    // EXPLAIN ANALYZE locks the round's rows: in a transaction that is rolled back.
    await db
      .transaction(async (tx) => {
        const [json] = (await tx.anyFirst(
          sql.unsafe`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${dueStepsQuery(now, 100, 'sends')}`,
        )) as Explained[][];
        plan = json?.[0];
        throw new Error('roll back');
      })
      .catch(() => undefined);
    if (!plan) throw new Error('no plan');
    const pages = plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'];
    // The round takes 36 rows (its share of A's due bulk, B's and E's): about 320 pages; every case is 900.
    expect(pages).toBeLessThan(600);
    const round = await db.transaction((tx) => lockDueSteps(tx, now, 100, 'sends'));
    expect(round.filter((r) => r.corporation === 'lane-e')).toHaveLength(1);
    expect(round.filter((r) => r.corporation === 'lane-d')).toHaveLength(0);
  });

  it("asks the lane's own per-corporation index, not the due steps, for the lanes", async () => {
    const sends = (await db.anyFirst(sql.unsafe`
      EXPLAIN SELECT corporation FROM steps WHERE status = 'scheduled' AND kind IN ('send', 'alert')
        AND corporation > 'lane-a' ORDER BY corporation LIMIT 1`)) as string[];
    expect(sends.join('\n')).toContain('steps_scheduled_sends_idx');
    const timers = (await db.anyFirst(sql.unsafe`
      EXPLAIN SELECT corporation FROM steps WHERE status = 'scheduled' AND kind IN ('due', 'watch')
        AND corporation > 'lane-a' ORDER BY corporation LIMIT 1`)) as string[];
    expect(timers.join('\n')).toContain('steps_scheduled_timers_idx');
  });
});
