// A large retention sweep must not hold up the street: the ERP's event feed shows an event only once
// every older transaction has ended (runtime/dossiers/event-feed.ts), so a sweep that erased years of
// messages in one long statement would freeze the feed for as long as it ran. Against a real street:
// tens of thousands of old archived messages are swept by the runtime's own sweeper while payments are
// reported and receivables posted, and each shows up at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { RetentionSweeper } from '../../runtime/archive/index.js';
import { eventually, quietLog } from '../support/street.js';
import { type ChannelStreet, messageEventually, receivable, startChannelStreet } from './channels-fixture.js';

const CORPORATION = 'woonstad-noord';
/** Old messages to sweep: enough that erasing them in one statement takes seconds on a small machine. */
const OLD_MESSAGES = 40_000;

let cs: ChannelStreet;
let open: string;
let receivableId: string;

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${cs.runtimeUrl}${path}`, {
    method,
    headers: {
      authorization: 'Bearer demo-woonstad-noord-key',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const unswept = async () =>
  Number(
    await cs.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM messages WHERE corporation = ${CORPORATION} AND template = 'seeded-old' AND purged_at IS NULL`),
  );

beforeAll(async () => {
  cs = await startChannelStreet();
  const r = receivable({}, { preferredChannel: 'email' });
  expect((await call('POST', '/v1/receivables', r)).status).toBe(202);
  open = r.externalId;
  await messageEventually(cs, open, (m) => m.status === 'sent', 'first reminder sent', 20_000);
  receivableId = (await cs.db.oneFirst(sql.unsafe`
    SELECT id FROM receivables WHERE corporation = ${CORPORATION} AND external_id = ${open}`)) as string;
  // Eight years of archive, well past the default seven: each message with its content and an archived part.
  await cs.db.query(sql.unsafe`
    WITH m AS (
      INSERT INTO messages (receivable_id, corporation, channel, channel_type, template, status, recipient,
        subject, content, created_at, sent_at)
      SELECT ${receivableId}, ${CORPORATION}, 'email', 'email', 'seeded-old', 'sent', 'oud' || g || '@seed.example',
        'Herinnering ' || g, jsonb_build_object('text', repeat('Beste huurder, ', 40) || g),
        now() - interval '2920 days', now() - interval '2920 days'
      FROM generate_series(1, ${OLD_MESSAGES}) g
      RETURNING id)
    INSERT INTO message_parts (message_id, corporation, part, content_type, body, sha256)
    SELECT id, ${CORPORATION}, 'eml', 'message/rfc822', convert_to(repeat(md5(id::text), 32), 'UTF8'), md5(id::text)
    FROM m`);
}, 240_000);

afterAll(async () => {
  await cs?.stop();
});

describe('the retention sweep and the rest of the street', () => {
  it('a large sweep runs in short batches: payments show on the event feed and receivables are stored meanwhile', async () => {
    let cursor = '0';
    for (;;) {
      const page = (await (await call('GET', `/v1/events?after=${cursor}&limit=1000`)).json()) as {
        events: unknown[];
        next: string | null;
      };
      if (page.events.length === 0) break;
      cursor = page.next ?? cursor;
    }
    expect(await unswept()).toBe(OLD_MESSAGES);
    const sweeper = new RetentionSweeper(
      { db: cs.db, bundles: cs.street.runtimes[0]!.bundles, log: quietLog() },
      20,
    );
    sweeper.start();
    const measured: { feedMs: number; intakeMs: number; sweeping: boolean }[] = [];
    try {
      for (let i = 0; (await unswept()) > 0 && i < 400; i++) {
        const paymentId = `during-sweep-${i}`;
        const paidAt = Date.now();
        const paid = await call('POST', `/v1/receivables/${open}/payments`, { amount: 1, paymentId });
        expect(paid.status).toBe(200);
        await eventually(
          async () => {
            const page = (await (
              await call('GET', `/v1/events?after=${cursor}&type=payment.received&limit=1000`)
            ).json()) as { events: { data: { paymentId: string } }[]; next: string | null };
            cursor = page.next ?? cursor;
            return page.events.some((e) => e.data.paymentId === paymentId) || undefined;
          },
          60_000,
          `payment ${paymentId} on the feed`,
        );
        const feedMs = Date.now() - paidAt;
        // A kind no flow takes: stored and reported unrouted, nothing sent.
        const later = receivable({ kind: 'no-flow-here' });
        const postedAt = Date.now();
        expect((await call('POST', '/v1/receivables', later)).status).toBe(202);
        await eventually(
          async () => (await call('GET', `/v1/receivables/${later.externalId}`)).status === 200 || undefined,
          30_000,
          'the receivable stored',
        );
        const intakeMs = Date.now() - postedAt;
        measured.push({ feedMs, intakeMs, sweeping: (await unswept()) > 0 });
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await sweeper.stop();
    }
    expect(await unswept()).toBe(0);
    // Measured while the sweep was still running, several times.
    expect(measured.filter((m) => m.sweeping).length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...measured.map((m) => m.feedMs))).toBeLessThan(1_500);
    expect(Math.max(...measured.map((m) => m.intakeMs))).toBeLessThan(2_000);
  });
});
