import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import {
  type ErpStreet,
  postReceivables,
  send,
  startErpStreet,
  WEBHOOK_SECRET_ENV,
  ZUID_KEY,
} from './erp-api-street.js';

interface FeedEvent {
  cursor: string;
  seq: number;
  type: string;
  externalId: string | null;
}

interface Delivery {
  at: number;
  status: number;
  raw: string;
  signature: string;
}

const SECRET = 'whsec-test-7c1f';

/** The ERP's endpoint: answers 500 to the first `failFirst` deliveries, then 204. */
function startEndpoint(failFirst: number) {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = deliveries.length < failFirst ? 500 : 204;
      deliveries.push({
        at: Date.now(),
        status,
        raw: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['outputstraat-signature'] ?? ''),
      });
      res.statusCode = status;
      res.end();
    });
  });
  return new Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/outputstraat/events`,
        deliveries,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

const insertEvent = async (c: pg.Client, type: string) =>
  Number(
    (
      await c.query(
        `INSERT INTO events (corporation, type, data) VALUES ('woonstad-noord', $1, '{}') RETURNING seq`,
        [type],
      )
    ).rows[0].seq,
  );

/** What a receiver does: recompute the HMAC over "t.body" and compare in constant time. */
function verify(secret: string, header: string, raw: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest();
  return (
    timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) && Math.abs(Date.now() / 1000 - Number(m[1])) < 300
  );
}

describe('ERP API: the event feed and signed webhooks', () => {
  let erp: ErpStreet;
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  beforeAll(async () => {
    endpoint = await startEndpoint(2);
    process.env[WEBHOOK_SECRET_ENV] = SECRET;
    // The ERP's endpoint here is plain http on loopback: only a listed host may be reached that way.
    process.env.OST_WEBHOOK_ALLOW_HOSTS = new URL(endpoint.url).host;
    erp = await startErpStreet({ webhookUrl: endpoint.url });
  });
  afterAll(async () => {
    await erp?.stop();
    await endpoint?.close();
    delete process.env[WEBHOOK_SECRET_ENV];
    delete process.env.OST_WEBHOOK_ALLOW_HOSTS;
  });

  const page = async (after: string, limit: number, apiKey?: string, type?: string) => {
    const q = `after=${after}&limit=${limit}${type ? `&type=${type}` : ''}`;
    const res = await send(erp, 'GET', `/v1/events?${q}`, undefined, {}, apiKey);
    expect(res.status).toBe(200);
    return (await res.json()) as { events: FeedEvent[]; next: string };
  };

  async function readAll(from: string, apiKey?: string): Promise<{ events: FeedEvent[]; next: string }> {
    const events: FeedEvent[] = [];
    let cursor = from;
    for (;;) {
      const p = await page(cursor, 7, apiKey);
      events.push(...p.events);
      cursor = p.next;
      if (p.events.length === 0) return { events, next: cursor };
    }
  }

  it('returns every event exactly once across pages while events are written, even when they commit out of order', async () => {
    // Two transactions that commit out of order: `early` has the older transaction id but writes its
    // event after `slow`, which takes the lower seq and commits last. A feed that resumes after the
    // highest seq it returned would skip slow's event for good.
    const client = async () => {
      const c = new pg.Client({ connectionString: erp.street.db.url });
      c.on('error', () => undefined);
      await c.connect();
      await c.query('BEGIN');
      return c;
    };
    const early = await client();
    await early.query('SELECT pg_current_xact_id()');
    const slow = await client();
    try {
      await outOfOrder(early, slow);
    } finally {
      await Promise.all([early.end(), slow.end()]);
    }
  });

  async function outOfOrder(early: pg.Client, slow: pg.Client): Promise<void> {
    const slowSeq = await insertEvent(slow, 'test.slow');
    const earlySeq = await insertEvent(early, 'test.early');
    expect(earlySeq).toBeGreaterThan(slowSeq);
    await early.query('COMMIT');
    // (Transactions elsewhere on the server can hold the horizon back for a moment too.)
    const firstPage = await eventually(
      async () => {
        const p = await readAll('0');
        return p.events.some((e) => e.seq === earlySeq) ? p : undefined;
      },
      10_000,
      'the early event in the feed',
    );
    expect(firstPage.events.map((e) => e.seq)).not.toContain(slowSeq);

    const seen: FeedEvent[] = [];
    let cursor = '0';
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const p = await page(cursor, 7);
        seen.push(...p.events);
        cursor = p.next;
        if (p.events.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const ids = Array.from({ length: 12 }, (_, i) => `FEED-${i}`);
    await postReceivables(erp, ids);
    await Promise.all(
      ids.map(async (id, i) => {
        await send(erp, 'POST', `/v1/receivables/${id}/payments`, {
          amount: 1_000,
          paymentId: `feed-a-${i}`,
        });
        await send(erp, 'PATCH', `/v1/receivables/${id}`, i % 2 ? { status: 'paused' } : { balance: 5_000 });
        await send(erp, 'POST', `/v1/receivables/${id}/payments`, {
          amount: 9_000,
          paymentId: `feed-b-${i}`,
        });
      }),
    );
    // Everything that began after the slow transaction is committed, but the feed holds it back until
    // the slow one ends.
    const beforeCommit = (await readAll(cursor)).events;
    expect(beforeCommit.every((e) => e.seq < slowSeq || e.seq === earlySeq)).toBe(true);
    await slow.query('COMMIT');
    writing = false;
    await reader;
    const stored = async () =>
      (
        (await erp.db.anyFirst(sql.unsafe`
        SELECT seq FROM events WHERE corporation = 'woonstad-noord' ORDER BY seq`)) as number[]
      ).map(Number);
    // Read on until the feed has caught up with the table.
    await eventually(
      async () => {
        const rest = await readAll(cursor);
        seen.push(...rest.events);
        cursor = rest.next;
        return seen.length >= (await stored()).length || undefined;
      },
      10_000,
      'the feed to catch up',
    );
    // A reader that had already passed the early event still gets the slow one.
    expect((await readAll(firstPage.next)).events.map((e) => e.seq)).toContain(slowSeq);

    const all = await stored();
    const got = seen.map((e) => e.seq);
    expect(new Set(got).size).toBe(got.length);
    expect([...got].sort((a, b) => a - b)).toEqual(all);
    expect(got).toContain(slowSeq);
    // Each receivable's own events come in the order they happened.
    const feed0 = seen.filter((e) => e.externalId === 'FEED-0').map((e) => e.type);
    const story = ['receivable.accepted', 'case.started', 'payment.received', 'receivable.updated'];
    // Paid before any reminder showed a payment link: none was made, so none is closed.
    const settled = ['payment.received', 'receivable.paid', 'case.stopped'];
    let at = -1;
    for (const type of [...story, ...settled]) {
      at = feed0.indexOf(type, at + 1);
      expect(at, `${type} after the events before it in ${feed0.join(', ')}`).toBeGreaterThan(-1);
    }
    expect(feed0).not.toContain('link.closed');
  }

  it('filters by type, refuses a made-up cursor and shows a corporation only its own events', async () => {
    // 12 receivables, each paid in two parts.
    const payments = await eventually(
      async () => {
        const p = await page('0', 1000, undefined, 'payment.received,receivable.paid');
        return p.events.length === 12 * 3 ? p : undefined;
      },
      10_000,
      'the payment events',
    );
    expect(new Set(payments.events.map((e) => e.type))).toEqual(
      new Set(['payment.received', 'receivable.paid']),
    );

    const bad = await send(erp, 'GET', '/v1/events?after=12abc');
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { code: string; errors: { field: string }[] };
    expect(err.code).toBe('OST_ERR_VALIDATION');
    expect(err.errors[0]!.field).toBe('after');

    await postReceivables(erp, ['ZUID-FEED-1'], ZUID_KEY);
    const zuid = await eventually(
      async () => {
        const all = await readAll('0', ZUID_KEY);
        return all.events.length > 0 ? all : undefined;
      },
      10_000,
      "woonstad-zuid's events",
    );
    expect(zuid.events.every((e) => e.externalId === 'ZUID-FEED-1')).toBe(true);
    const noord = await readAll('0');
    expect(noord.events.some((e) => e.externalId === 'ZUID-FEED-1')).toBe(false);
  });

  it('POSTs the events signed to the webhook channel, retries after a 500 and delivers each one in order', async () => {
    const total = Number(
      await erp.db.oneFirst(sql.unsafe`SELECT count(*) FROM events WHERE corporation = 'woonstad-noord'`),
    );
    const delivered = () =>
      endpoint.deliveries
        .filter((d) => d.status === 204)
        .flatMap((d) => (JSON.parse(d.raw) as { events: FeedEvent[] }).events);
    await eventually(async () => delivered().length >= total || undefined, 20_000, 'every event delivered');

    const [first, second] = endpoint.deliveries;
    expect(first!.status).toBe(500);
    expect(second!.status).toBe(500);
    // The same events come again after a failure, after a backoff.
    expect(JSON.parse(second!.raw).events[0].seq).toBe(JSON.parse(first!.raw).events[0].seq);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(450);
    for (const d of endpoint.deliveries) {
      expect(verify(SECRET, d.signature, d.raw), d.signature).toBe(true);
      expect(verify('another-secret', d.signature, d.raw)).toBe(false);
      expect(JSON.parse(d.raw)).toMatchObject({ type: 'events', corporation: 'woonstad-noord' });
    }
    // Every event once among the acknowledged deliveries, in feed order.
    const events = delivered();
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    expect(events.map((e) => e.cursor)).toEqual(
      (await readAll('0')).events.slice(0, events.length).map((e) => e.cursor),
    );

    // New events keep flowing once the endpoint is healthy.
    await postReceivables(erp, ['HOOK-LATE-1']);
    await eventually(
      async () =>
        delivered().some((e) => e.externalId === 'HOOK-LATE-1' && e.type === 'case.started') || undefined,
      10_000,
      'the new receivable delivered',
    );
  });
});
