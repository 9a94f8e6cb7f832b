// Poison on the intake stream: a message intake cannot store is retried a bounded number of times with
// growing waits and then kept as a dead letter (with a receivable.rejected event and a metric), while
// every other corporation's receivables keep flowing; an operator lists and re-drives dead letters
// through the API and the CLI. Before: intake consumers redelivered such a message every five seconds
// forever, held other corporations' receivables back, and after the stream's max age it vanished.
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../operator/cli/test-kit.js';
import {
  DISPATCH_STREAM,
  dispatchConsumerName,
  ensureRuntimeConsumers,
  ensureStreams,
  INTAKE_CONSUMER,
  INTAKE_STREAM,
} from '../../platform/bus/index.js';
import { sql } from '../../platform/db/index.js';
import {
  fixtureReceivable,
  ndjson,
  postNdjson,
  startDurabilityStreet,
  until,
} from '../support/durability-street.js';
import { startNatsServer } from '../support/nats-server.js';
import { eventually } from '../support/street.js';
import {
  DEMO_KEY,
  type ErpStreet,
  postReceivables,
  send,
  startErpStreet,
  testReceivable,
  ZUID_KEY,
} from './erp-api-street.js';

const MAX_DELIVER = 4;
const FIRST_WAIT_MS = 1_000;

interface DeadLetterRow {
  id: string;
  corporation: string;
  stream: string;
  subject: string;
  external_id: string | null;
  code: string;
  reason: string;
  deliveries: number;
  published_at: Date;
  dead_at: Date;
}

interface FeedEvent {
  type: string;
  externalId: string | null;
  data: { deadLetterId: string; code: string; reason: string };
}

const envelope = (corporation: string, receivable: unknown) =>
  JSON.stringify({ type: 'receivable', corporation, receivedAt: new Date().toISOString(), receivable });

describe('dead letters: poison on the intake stream', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    // Batches of whatever waits, one at a time: poison and good receivables end up in the same batch.
    erp = await startErpStreet({
      runtime: { maxDeliver: MAX_DELIVER, redeliveryDelayMs: FIRST_WAIT_MS, intakeConcurrency: 1 },
    });
  });
  afterAll(async () => {
    await erp?.stop();
  });

  const publish = (subject: string, body: string) => jetstream(erp.street.nc).publish(subject, body);
  const deadLetters = async (where: string) =>
    (await erp.db.any(
      sql.unsafe`SELECT * FROM dead_letters WHERE corporation || ':' || coalesce(external_id, '') LIKE ${where} ORDER BY external_id`,
    )) as unknown as DeadLetterRow[];
  const feed = async (apiKey: string) =>
    (
      (await (
        await send(erp, 'GET', '/v1/events?type=receivable.rejected&limit=1000', undefined, {}, apiKey)
      ).json()) as {
        events: FeedEvent[];
      }
    ).events;

  it("poison for one corporation is retried with growing waits and dead-lettered after the configured deliveries, while another corporation's receivables are stored at once", async () => {
    // What the ingress would never accept (a lower-case currency): the database's CHECK refuses it on
    // every delivery, and it is no data exception, so intake retries it before giving up.
    for (let i = 1; i <= 6; i++) {
      const poison = { ...testReceivable(`POISON-${i}`), currency: 'eur' };
      await publish('ost.intake.woonstad-noord', envelope('woonstad-noord', poison));
    }
    const zuid = Array.from({ length: 20 }, (_, i) => `ZUID-FLOWS-${i}`);
    const posted = Date.now();
    await postReceivables(erp, zuid, ZUID_KEY);
    expect(Date.now() - posted).toBeLessThan(3_000);

    const rows = await eventually(
      async () => {
        const r = await deadLetters('woonstad-noord:POISON-%');
        return r.length === 6 ? r : undefined;
      },
      30_000,
      'six dead letters',
    );
    for (const row of rows) {
      expect(row).toMatchObject({
        stream: INTAKE_STREAM,
        subject: 'ost.intake.woonstad-noord',
        code: 'OST_ERR_DELIVERY_EXHAUSTED',
        deliveries: MAX_DELIVER,
      });
      expect(row.reason).toContain(`failed on each of ${MAX_DELIVER} deliveries (last: SQLSTATE 23514)`);
      expect(row.reason).not.toMatch(/Balogun|example\.org|Vismarkt/);
      // Waited between deliveries: at least half of 1 + 2 + 4 s with the equal jitter.
      expect(row.dead_at.getTime() - row.published_at.getTime()).toBeGreaterThanOrEqual(
        (FIRST_WAIT_MS * (2 ** (MAX_DELIVER - 1) - 1)) / 2 - 100,
      );
    }
    // Woonstad Zuid's receivables were all stored before the first poison message was given up.
    const lastZuid = await erp.db.oneFirst(sql.unsafe`
      SELECT max(accepted_at) FROM receivables WHERE external_id = ANY(${sql.array(zuid, 'text')})`);
    expect((lastZuid as Date).getTime()).toBeLessThan(Math.min(...rows.map((r) => r.dead_at.getTime())));
    expect(
      Number(
        await erp.db.oneFirst(sql.unsafe`SELECT count(*) FROM receivables WHERE external_id LIKE 'POISON-%'`),
      ),
    ).toBe(0);

    // Nothing of it is left on the stream: it never comes back.
    const info = await (await jetstreamManager(erp.street.nc)).consumers.info(INTAKE_STREAM, INTAKE_CONSUMER);
    expect({ pending: info.num_pending, ackPending: info.num_ack_pending }).toEqual({
      pending: 0,
      ackPending: 0,
    });
    expect(info.config.max_deliver).toBe(MAX_DELIVER + 1);

    // The ERP hears about each on its feed; the other corporation does not.
    const events = await eventually(
      async () => {
        const found = (await feed(DEMO_KEY)).filter((e) => e.externalId?.startsWith('POISON-'));
        return found.length === 6 ? found : undefined;
      },
      5_000,
      'six receivable.rejected events',
    );
    expect(events.map((e) => e.externalId).sort()).toEqual(rows.map((r) => r.external_id));
    for (const e of events) {
      const row = rows.find((r) => r.external_id === e.externalId)!;
      expect(e.data).toEqual({ deadLetterId: row.id, code: row.code, reason: row.reason });
    }
    expect(await feed(ZUID_KEY)).toEqual([]);

    const metrics = await (await fetch(`${erp.street.runtimes[0]!.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(
      'outputstraat_dead_letters_total{corporation="woonstad-noord",stream="OST_INTAKE",code="OST_ERR_DELIVERY_EXHAUSTED"} 6',
    );
  });

  it('an unreadable message, text the database refuses and a body naming another corporation are dead letters on their first delivery', async () => {
    await publish('ost.intake.woonstad-noord', '{"type": "receivable", "corpor');
    const bad = testReceivable('POISON-NUL');
    await publish(
      'ost.intake.woonstad-noord',
      envelope('woonstad-noord', { ...bad, debtor: { ...bad.debtor, name: 'K. Balogun\u0000' } }),
    );
    await publish(
      'ost.intake.woonstad-noord',
      envelope('woonstad-zuid', testReceivable('POISON-OTHER-CORP')),
    );
    // A chunk whose middle receivable the database refuses: the others are stored.
    const chunk = ['CHUNK-1', 'CHUNK-2', 'CHUNK-3'].map((id) =>
      id === 'CHUNK-2' ? { ...testReceivable(id), description: 'x\u0000' } : testReceivable(id),
    );
    await publish(
      'ost.intake.woonstad-noord',
      JSON.stringify({
        type: 'receivables',
        corporation: 'woonstad-noord',
        receivedAt: new Date().toISOString(),
        receivables: chunk,
      }),
    );

    const rows = await eventually(
      async () => {
        const r = [
          ...(await deadLetters('woonstad-noord:')),
          ...(await deadLetters('woonstad-noord:POISON-NUL')),
          ...(await deadLetters('woonstad-noord:CHUNK-%')),
        ];
        return r.length === 4 ? r : undefined;
      },
      10_000,
      'four dead letters',
    );
    const byKey = (id: string | null) => rows.filter((r) => r.external_id === id);
    expect(
      byKey(null)
        .map((r) => r.code)
        .sort(),
    ).toEqual(['OST_ERR_POISON_MESSAGE', 'OST_ERR_POISON_MESSAGE']);
    expect(
      byKey(null)
        .map((r) => r.reason)
        .sort(),
    ).toEqual([
      expect.stringContaining('it is not JSON'),
      expect.stringContaining('its body names another corporation than its subject'),
    ]);
    expect(byKey('POISON-NUL')[0]).toMatchObject({ code: 'OST_ERR_STORE_REFUSED', deliveries: 1 });
    expect(byKey('POISON-NUL')[0]!.reason).toMatch(/SQLSTATE 22/);
    expect(byKey('CHUNK-2')[0]).toMatchObject({ code: 'OST_ERR_STORE_REFUSED', deliveries: 1 });
    for (const row of rows) expect(row.deliveries).toBe(1);
    // The chunk's dead letter keeps that receivable alone, as an envelope that can be re-driven.
    const payload = (await erp.db.oneFirst(sql.unsafe`
      SELECT convert_from(payload, 'UTF8') FROM dead_letters WHERE external_id = 'CHUNK-2'`)) as string;
    expect(JSON.parse(payload)).toMatchObject({ type: 'receivable', receivable: { externalId: 'CHUNK-2' } });
    await eventually(
      async () =>
        Number(
          await erp.db.oneFirst(sql.unsafe`
            SELECT count(*) FROM receivables WHERE external_id IN ('CHUNK-1', 'CHUNK-3')`),
        ) === 2 || undefined,
      5_000,
      'the rest of the chunk stored',
    );
    // Nothing was stored for the other corporation from woonstad-noord's subject.
    expect(
      Number(
        await erp.db.oneFirst(
          sql.unsafe`SELECT count(*) FROM receivables WHERE corporation = 'woonstad-zuid' AND external_id LIKE 'POISON%'`,
        ),
      ),
    ).toBe(0);
    // The feed shows an event once every transaction older than it has ended: a moment after its commit.
    const rejected = await eventually(
      async () => {
        const events = (await feed(DEMO_KEY)).filter(
          (e) => ['POISON-NUL', 'CHUNK-2'].includes(e.externalId ?? '') || e.externalId === null,
        );
        return events.length === 4 ? events : undefined;
      },
      5_000,
      'four receivable.rejected events',
    );
    expect(rejected.filter((e) => e.externalId === null).map((e) => e.data.code)).toEqual([
      'OST_ERR_POISON_MESSAGE',
      'OST_ERR_POISON_MESSAGE',
    ]);
  });

  it('an operator lists dead letters and re-drives them through the API and the CLI once the cause is fixed; another corporation sees none of them', async () => {
    // The database refuses these receivables for now (a stand-in for a fault that an operator fixes).
    await erp.db.query(sql.unsafe`
      CREATE FUNCTION refuse_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.external_id LIKE 'BLOCKED-%' THEN RAISE EXCEPTION 'blocked for the test'; END IF; RETURN NEW; END $$`);
    await erp.db.query(sql.unsafe`
      CREATE TRIGGER refuse_blocked BEFORE INSERT ON receivables FOR EACH ROW EXECUTE FUNCTION refuse_blocked()`);
    for (const id of ['BLOCKED-1', 'BLOCKED-2']) {
      expect((await send(erp, 'POST', '/v1/receivables', testReceivable(id))).status).toBe(202);
    }
    const [one, two] = await eventually(
      async () => {
        const r = await deadLetters('woonstad-noord:BLOCKED-%');
        return r.length === 2 ? r : undefined;
      },
      30_000,
      'the blocked receivables dead-lettered',
    );
    expect(one!.reason).toContain('last: SQLSTATE P0001');

    const list = (await (await send(erp, 'GET', '/v1/dead-letters?limit=100')).json()) as {
      deadLetters: { id: string; externalId: string; code: string; deliveries: number }[];
    };
    expect(list.deadLetters.map((d) => d.id)).toEqual(expect.arrayContaining([one!.id, two!.id]));
    expect(list.deadLetters.find((d) => d.id === one!.id)).toMatchObject({
      externalId: 'BLOCKED-1',
      code: 'OST_ERR_DELIVERY_EXHAUSTED',
      deliveries: MAX_DELIVER,
    });
    expect(list.deadLetters[0]).not.toHaveProperty('payload');
    const detail = (await (await send(erp, 'GET', `/v1/dead-letters/${one!.id}`)).json()) as {
      payload: string;
    };
    expect(JSON.parse(detail.payload)).toMatchObject({ receivable: { externalId: 'BLOCKED-1' } });

    // Woonstad Zuid's key sees none of them and cannot re-drive them.
    const zuidList = (await (await send(erp, 'GET', '/v1/dead-letters', undefined, {}, ZUID_KEY)).json()) as {
      deadLetters: unknown[];
    };
    expect(zuidList.deadLetters).toEqual([]);
    expect((await send(erp, 'GET', `/v1/dead-letters/${one!.id}`, undefined, {}, ZUID_KEY)).status).toBe(404);
    expect(
      (await send(erp, 'POST', `/v1/dead-letters/${one!.id}/retry`, undefined, {}, ZUID_KEY)).status,
    ).toBe(404);

    await erp.db.query(sql.unsafe`DROP TRIGGER refuse_blocked ON receivables`);

    const retried = await send(erp, 'POST', `/v1/dead-letters/${one!.id}/retry`);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({
      status: 'redriven',
      deadLetter: { id: one!.id, redriveCount: 1 },
    });
    await eventually(
      async () => (await send(erp, 'GET', '/v1/receivables/BLOCKED-1')).status === 200 || undefined,
      10_000,
      'BLOCKED-1 stored after its re-drive',
    );

    const url = erp.street.runtimes[0]!.url;
    const listed = await cli('.', 'dead-letters', 'list', '--url', url, '--api-key', DEMO_KEY);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${two!.id}`);
    expect(listed.out).toMatch(new RegExp(`${one!.id} .* BLOCKED-1 .*re-driven 1x`));
    const cliRetry = await cli('.', 'dead-letters', 'retry', two!.id, '--url', url, '--api-key', DEMO_KEY);
    expect(cliRetry).toMatchObject({ code: 0, out: `redriven ${two!.id}` });
    await eventually(
      async () => (await send(erp, 'GET', '/v1/receivables/BLOCKED-2')).status === 200 || undefined,
      10_000,
      'BLOCKED-2 stored after its re-drive from the CLI',
    );
    const openapi = (await (await fetch(`${erp.street.runtimes[0]!.metricsUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    };
    for (const [path, method] of [
      ['/v1/dead-letters', 'get'],
      ['/v1/dead-letters/{id}', 'get'],
      ['/v1/dead-letters/{id}/retry', 'post'],
    ] as const) {
      expect(openapi.paths[path]?.[method]?.security, `${method} ${path}`).toEqual([{ apiKey: [] }]);
      if (path !== '/v1/dead-letters') expect(openapi.paths[path]![method]!.responses).toHaveProperty('404');
    }
    const refused = await cli('.', 'dead-letters', 'retry', one!.id, '--url', url, '--api-key', ZUID_KEY);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^error OST_ERR_NOT_FOUND dead letter .* not found/);
  });
});

describe('dead letters: the database away', () => {
  it('receivables accepted while PostgreSQL is down are stored when it is back, and none is dead-lettered', async () => {
    const street = await startDurabilityStreet({ privatePostgres: true });
    try {
      const runtime = await street.startRuntime('outage', {
        OST_MAX_DELIVER: '2',
        OST_REDELIVERY_DELAY_MS: '100',
      });
      const first = ndjson(Array.from({ length: 300 }, (_, i) => fixtureReceivable(i, { source: 'test' })));
      // Postgres goes away for far longer than every delivery of a message would take (two, 100 ms apart),
      // and the ERP posts meanwhile: JetStream takes the receivables, intake cannot store them yet.
      const back = street.postgres!.restart({ mode: 'fast', downMs: 4_000 });
      await until(
        async () => (await fetch(`${runtime.url}/readyz`)).status === 503,
        10_000,
        'the runtime to notice that Postgres is away',
      );
      expect((await postNdjson(runtime.url, first)).body).toMatchObject({ accepted: 300 });
      await back;
      await until(
        async () => (await street.sql.query('SELECT count(*)::int AS n FROM receivables')).rows[0].n === 300,
        60_000,
        'every receivable stored after the outage',
      );
      const dead = await street.sql.query('SELECT count(*)::int AS n FROM dead_letters');
      expect(dead.rows[0].n).toBe(0);
    } finally {
      await street.stop();
    }
  }, 120_000);
});

describe('dead letters: consumers of an earlier version', () => {
  it('a consumer left redelivering forever (max_deliver -1) is bounded when a runtime starts', async () => {
    const nats = await startNatsServer();
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm);
      await jsm.consumers.add(INTAKE_STREAM, {
        durable_name: INTAKE_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        max_deliver: -1,
      });
      await ensureRuntimeConsumers(jsm, { maxDeliver: 6, initialDelayMs: 2_000, maxDelayMs: 300_000 });
      expect((await jsm.consumers.info(INTAKE_STREAM, INTAKE_CONSUMER)).config.max_deliver).toBe(7);
      expect(
        (await jsm.consumers.info(DISPATCH_STREAM, dispatchConsumerName('sms'))).config.max_deliver,
      ).toBe(7);
    } finally {
      await nc.close();
      await nats.stop();
    }
  });
});
