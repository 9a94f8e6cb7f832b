// The per-corporation lag gauge (runtime/gauges/corporation-lag.ts) on a real nats-server and PostgreSQL:
// one corporation's old work shows as its own lag, and another corporation with nothing waiting reads 0 —
// a bulk of one never shows as the other's lag, and the other's single step is found behind the bulk.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, ensureStreams, intakeSubject } from '../../platform/bus/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { dispatchLag, intakeLag } from '../../runtime/gauges/corporation-lag.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { createMigratedDatabase, insertBareCases, type TestDatabase } from '../support/postgres.js';

const log = pino({ level: 'silent' });
let server: NatsServer;
let nc: NatsConnection;
let test: TestDatabase & { db: Database };
let db: Database;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectBus(server.url, { name: 'corporation-lag-test', log });
  await ensureStreams(await jetstreamManager(nc), { log });
  test = await createMigratedDatabase();
  db = test.db;
});
afterAll(async () => {
  await test?.drop();
  await nc?.close();
  await server?.stop();
});

/** A receivable with its case and one send step of `corporation`, due at `dueAt` with `status`. */
async function step(
  corporation: string,
  n: number,
  dueAt: Date,
  status: string,
  kind = 'send',
): Promise<void> {
  const [caseId] = (await insertBareCases(db, 1, corporation, `R-${n}`)).cases as [string];
  await db.query(sql.unsafe`
    INSERT INTO steps (case_id, corporation, step_id, kind, due_at, dedupe_key, status)
    VALUES (${caseId}, ${corporation}, 'first', ${kind}, ${dueAt.toISOString()}, ${`c-${n}/first/0`}, ${status})`);
}

describe('outputstraat_corporation_lag_seconds', () => {
  it('dispatch: the oldest due-not-sent step of each corporation, 0 for one with nothing due', async () => {
    const now = new Date('2026-12-03T10:00:00Z');
    const ago = (s: number) => new Date(now.getTime() - s * 1000);
    // A's bulk: 200 due steps, the oldest 600 s ago; B: one step queued 30 s ago; C: only a future step.
    for (let i = 0; i < 200; i++) await step('a', i, ago(600 - i), 'scheduled');
    await step('b', 1000, ago(30), 'queued');
    await step('c', 2000, new Date(now.getTime() + 3_600_000), 'scheduled');
    await step('c', 2001, ago(900), 'sent');
    // D's overdue timer (a payment-term check) counts too, older than its send.
    await step('d', 3000, ago(120), 'scheduled', 'due');
    await step('d', 3001, ago(45), 'scheduled');
    const lags = await dispatchLag(db, ['a', 'b', 'c', 'd', 'nobody'], now);
    expect(lags).toEqual([
      { corporation: 'a', stage: 'dispatch', seconds: 600 },
      { corporation: 'b', stage: 'dispatch', seconds: 30 },
      { corporation: 'c', stage: 'dispatch', seconds: 0 },
      { corporation: 'd', stage: 'dispatch', seconds: 120 },
      { corporation: 'nobody', stage: 'dispatch', seconds: 0 },
    ]);
    // Each lane's index answers without walking A's bulk (migration 032).
    const sends = (await db.anyFirst(sql.unsafe`
      EXPLAIN SELECT due_at FROM steps WHERE corporation = 'b' AND status = 'scheduled'
        AND kind IN ('send', 'alert') AND due_at <= now() ORDER BY due_at LIMIT 1`)) as string[];
    expect(sends.join('\n')).toContain('steps_scheduled_sends_idx');
    const timers = (await db.anyFirst(sql.unsafe`
      EXPLAIN SELECT due_at FROM steps WHERE corporation = 'b' AND status = 'scheduled'
        AND kind IN ('due', 'watch') AND due_at <= now() ORDER BY due_at LIMIT 1`)) as string[];
    expect(timers.join('\n')).toContain('steps_scheduled_timers_idx');
  });

  it("intake: the age of the corporation's oldest message on OST_INTAKE, 0 when none waits", async () => {
    const js = jetstream(nc);
    await js.publish(intakeSubject('a'), '{}');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const jsm = await jetstreamManager(nc);
    const lags = await intakeLag(jsm, ['a', 'b'], new Date());
    expect(lags[0]).toMatchObject({ corporation: 'a', stage: 'intake' });
    expect(lags[0]!.seconds).toBeGreaterThanOrEqual(1);
    expect(lags[0]!.seconds).toBeLessThan(60);
    expect(lags[1]).toEqual({ corporation: 'b', stage: 'intake', seconds: 0 });
  });
});
