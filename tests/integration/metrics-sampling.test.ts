// The street-wide gauges are counted by one replica per interval and shared through Postgres: two
// samplers on one database run the counts once and export the same values.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRuntimeConsumers, ensureStreams } from '../../platform/bus/index.js';
import { createDatabase, type Database, runMigrations, sql } from '../../platform/db/index.js';
import { BundleStore } from '../../runtime/bundles/bundle-store.js';
import { MetricsSampler } from '../../runtime/gauges/gauge-sampler.js';
import { COST_FACTOR, sharedSample } from '../../runtime/gauges/shared-sample.js';
import { createRuntimeMetrics } from '../../runtime/metrics/runtime-metrics.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { quietLog } from '../support/street.js';

describe('street gauges', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    [nats, testDb] = await Promise.all([startNatsServer(), createTestDatabase()]);
    nc = await connect({ servers: nats.url });
    db = await createDatabase(testDb.url);
    await runMigrations(db);
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm);
    await ensureRuntimeConsumers(jsm);
    // Two open cases of one flow: one with a send step due now, one with a send step queued.
    await db.query(sql.unsafe`
      WITH r AS (
        INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, due_date,
          payment_reference, debtor, payload, status, source)
        SELECT 'wonen', 'R-' || i, 'rent', 100, 100, '2026-11-01', 'REF', '{}', '{}', 'open', 'production'
        FROM generate_series(1, 2) i RETURNING id, external_id),
      c AS (
        INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision, state)
        SELECT id, 'wonen', 'herinnering', 'r1', 'b1', '{}' FROM r RETURNING id, receivable_id)
      INSERT INTO steps (case_id, corporation, flow, step_id, kind, due_at, dedupe_key, payload, status)
      SELECT c.id, 'wonen', 'herinnering', 'mail', 'send', now() - interval '1 minute', c.id || ':mail',
        '{"channel": "email"}', CASE WHEN r.external_id = 'R-1' THEN 'scheduled' ELSE 'queued' END
      FROM c JOIN r ON r.id = c.receivable_id`);
  });

  afterAll(async () => {
    await db?.end();
    await nc?.close();
    await nats?.stop();
    await testDb?.drop();
  });

  async function replica(name: string) {
    const metrics = createRuntimeMetrics();
    const log = quietLog();
    const jsm = await jetstreamManager(nc);
    const bundles = new BundleStore(db, log);
    const sampler = new MetricsSampler({ db, jsm, bundles, metrics, log, instanceId: name }, 60_000);
    return { metrics, sampler };
  }

  it('one replica counts per interval, every replica exports its counts', async () => {
    const a = await replica('pod-a');
    const b = await replica('pod-b');
    await a.sampler.sample();
    await b.sampler.sample();
    const row = await db.one(sql.unsafe`SELECT sampled_by, body FROM gauge_samples WHERE name = 'street'`);
    expect(row.sampled_by).toBe('pod-a');
    for (const { metrics } of [a, b]) {
      expect((await metrics.casesOpen.get()).values).toEqual([
        { labels: { corporation: 'wonen', flow: 'herinnering' }, value: 2 },
      ]);
      expect((await metrics.stepsDue.get()).values).toEqual([
        { labels: { corporation: 'wonen', flow: 'herinnering', channel: 'email' }, value: 1 },
      ]);
      expect((await metrics.stepsWaiting.get()).values).toEqual([
        { labels: { corporation: 'wonen', flow: 'herinnering', channel: 'email' }, value: 1 },
      ]);
    }
    // Once the interval has passed, the next replica to sample counts again.
    await db.query(sql.unsafe`UPDATE gauge_samples SET sampled_at = now() - interval '2 minutes'`);
    await b.sampler.sample();
    expect(await db.oneFirst(sql.unsafe`SELECT sampled_by FROM gauge_samples`)).toBe('pod-b');
  });

  it('a count that took long waits twenty times as long before the next, whatever the interval', async () => {
    const isNumber = (body: unknown): body is number => typeof body === 'number';
    let counted = 0;
    const slowCount = async () => {
      counted++;
      // 70 ms to show at least 60: a timer may fire a millisecond early by performance.now().
      await new Promise((r) => setTimeout(r, 70));
      return counted;
    };
    // An interval of 10 ms: without the cost bound every call would count.
    expect(await sharedSample(db, 'slow', 'pod-a', 10, slowCount, isNumber)).toBe(1);
    const took = await db.oneFirst(sql.unsafe`SELECT took_ms FROM gauge_samples WHERE name = 'slow'`);
    expect(took).toBeGreaterThanOrEqual(60);
    await new Promise((r) => setTimeout(r, 50));
    // Within COST_FACTOR × took (about 1.4 s): the others take the stored count, nobody counts again.
    expect(await sharedSample(db, 'slow', 'pod-b', 10, slowCount, isNumber)).toBe(1);
    expect(await sharedSample(db, 'slow', 'pod-a', 10, slowCount, isNumber)).toBe(1);
    expect(counted).toBe(1);
    await new Promise((r) => setTimeout(r, COST_FACTOR * Number(took) + 100));
    expect(await sharedSample(db, 'slow', 'pod-b', 10, slowCount, isNumber)).toBe(2);
    expect(await db.oneFirst(sql.unsafe`SELECT sampled_by FROM gauge_samples WHERE name = 'slow'`)).toBe(
      'pod-b',
    );
  });
});
