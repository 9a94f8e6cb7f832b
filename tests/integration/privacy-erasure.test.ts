// DELETE /v1/debtors/{debtorId} against a real street (PostgreSQL, NATS JetStream, SMTP sink, the
// Twilio-speaking server, SFTP print): a debtor with an email, an SMS, a letter PDF, a consultant alert, a
// contact-form submission, payments, a free-text reason and an idempotent post is erased; the database
// dump and every JetStream message are searched for the debtor's name, address, email and phone.
import { type AddressInfo, createServer } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../operator/cli/test-kit.js';
import { INTAKE_CONSUMER, INTAKE_STREAM } from '../../platform/bus/index.js';
import { sql } from '../../platform/db/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import { dumpDatabase, found, readAllStreams } from '../support/data-dump.js';
import { eventually, TEST_LINKS } from '../support/street.js';
import { type ChannelStreet, messageEventually, receivable, startChannelStreet } from './channels-fixture.js';

const NOORD = 'woonstad-noord';
const ZUID = { id: 'erasure-zuid', key: 'erasure-zuid-erp-key' };

/** Distinctive values, so a search of the dump finds nothing else. */
const A = {
  id: 'D-ERASE-A',
  name: 'Xanthippe Quaggelbroek',
  salutation: 'Beste mevrouw Quaggelbroek',
  email: 'xanthippe.quaggelbroek@erasure.example',
  phone: '+31687650123',
  address: { street: 'Zwaluwstaartpad', houseNumber: '77b', postalCode: '9999 ZQ', city: 'Quaggeloord' },
};
const A_NEW = { email: 'xanthippe.nieuw@erasure.example', mobile: '06 8765 0456', phone: '+31687650456' };
const B = {
  id: 'D-KEEP-B',
  name: 'Bartholomeus Wiebrenstra',
  email: 'b.wiebrenstra@keep.example',
  phone: '+31687650999',
  address: { street: 'Kievitsbloemlaan', houseNumber: '3', postalCode: '8888 KB', city: 'Wiebrenwoude' },
};
/** Another corporation's debtor with the same ERP id as A. */
const Z = {
  id: A.id,
  name: 'Zeger Zwanenburg',
  email: 'zeger.zwanenburg@zuid.example',
  phone: '+31687650777',
  address: { street: 'Reigersbekhof', houseNumber: '5', postalCode: '7777 ZW', city: 'Zwanenoord' },
};

const A_STRINGS = [
  A.name,
  'Quaggelbroek',
  A.email,
  A.phone,
  A.phone.slice(3),
  A.address.street,
  A.address.postalCode,
  A.address.city,
  A_NEW.email,
  A_NEW.phone,
  A_NEW.phone.slice(3),
];

const zuidCorporation = `apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: ${ZUID.id}, namespace: ${ZUID.id} }
spec:
  displayName: Erasure Zuid
  base: outputstraat-base
  senderDomains: [erasure-zuid.example]
  sender: { email: noreply@erasure-zuid.example }
  ingress: { apiKeySecretRef: { name: erp-api-key } }
---
apiVersion: v1
kind: Secret
metadata: { name: erp-api-key, namespace: ${ZUID.id} }
type: Opaque
stringData: { api-key: ${ZUID.key} }
`;

let cs: ChannelStreet;
const ext: Record<'a1' | 'a2' | 'a3' | 'a4' | 'a5' | 'b1' | 'b3' | 'z1', string> = {} as never;
let aIds: string[] = [];
let aTokens: string[] = [];

const call = (method: string, path: string, body?: unknown, key = 'demo-woonstad-noord-key') =>
  fetch(`${cs.runtimeUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const erase = (debtorId: string, key?: string) =>
  call('DELETE', `/v1/debtors/${encodeURIComponent(debtorId)}`, undefined, key);

async function post(r: { externalId: string }, key?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${cs.runtimeUrl}/v1/receivables`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key ?? 'demo-woonstad-noord-key'}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(r),
  });
  expect(res.status).toBe(202);
  return r.externalId;
}

const idOf = (corporation: string, externalId: string, waitMs = 15_000) =>
  eventually(
    async () =>
      ((await cs.db.maybeOneFirst(sql.unsafe`
        SELECT id FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}`)) ??
        undefined) as string | undefined,
    waitMs,
    `receivable ${externalId}`,
  );

async function facts(ids: string[]) {
  const list = sql.array(ids, 'uuid');
  return {
    messages: await cs.db.any(sql.unsafe`
      SELECT channel_type, status, count(*)::int AS n FROM messages WHERE receivable_id = ANY(${list})
      GROUP BY 1, 2 ORDER BY 1, 2`),
    receivables: await cs.db.any(sql.unsafe`
      SELECT external_id, kind, amount_minor, balance_minor, status, due_date::text FROM receivables
      WHERE id = ANY(${list}) ORDER BY external_id`),
    payments: await cs.db.one(sql.unsafe`
      SELECT count(*)::int AS n, coalesce(sum(amount_minor), 0)::int AS total FROM payments
      WHERE receivable_id = ANY(${list})`),
    events: await cs.db.any(sql.unsafe`
      SELECT type, count(*)::int AS n FROM events WHERE receivable_id = ANY(${list}) GROUP BY 1 ORDER BY 1`),
    history: await cs.db.oneFirst(sql.unsafe`
      SELECT count(*)::int FROM message_status_history h JOIN messages m ON m.id = h.message_id
      WHERE m.receivable_id = ANY(${list})`),
  };
}

beforeAll(async () => {
  cs = await startChannelStreet({ 'zuid.yaml': zuidCorporation });
  await eventually(async () => cs.street.runtimes[0]!.bundles.get(ZUID.id), 10_000, 'the second corporation');
  const a = (overrides: Record<string, unknown>, debtor: Record<string, unknown> = {}) =>
    receivable(overrides, { ...A, ...debtor });
  ext.a1 = await post(a({}, { preferredChannel: 'email' }), undefined, { 'idempotency-key': 'erase-a1' });
  ext.a2 = await post(a({}, { preferredChannel: 'sms' }));
  ext.a3 = await post(a({ kind: 'test-letter' }));
  ext.a5 = await post(a({ kind: 'test-alert' }));
  ext.b1 = await post(receivable({}, { ...B, preferredChannel: 'email' }));
  ext.b3 = await post(receivable({ kind: 'test-letter' }, B));
  ext.z1 = await post(receivable({}, { ...Z, preferredChannel: 'email' }), ZUID.key);
  for (const [key, what] of [
    ['a1', 'email'],
    ['a2', 'sms'],
    ['a3', 'letter'],
    ['a5', 'email'],
    ['b1', 'email'],
    ['b3', 'letter'],
  ] as const) {
    await messageEventually(
      cs,
      ext[key],
      (m) => m.channel_type === what && m.status !== 'sending',
      `${key} sent`,
      20_000,
    );
  }
  // The tenant's contact form: new email and mobile, confirmed by email to the new address.
  const a1 = await idOf(NOORD, ext.a1);
  const token = await ensureFormLink(cs.db, TEST_LINKS, NOORD, a1, 'contact');
  const form = await fetch(`${cs.runtimeUrl}/c/${NOORD}/f/${token}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ mobile: A_NEW.mobile, email: A_NEW.email }).toString(),
  });
  expect(form.status).toBe(303);
  // Money and free text: a full payment, a partial one, and a pause whose reason names the debtor.
  expect(
    (await call('POST', `/v1/receivables/${ext.a1}/payments`, { amount: 62079, paymentId: 'pay-a1' })).status,
  ).toBe(200);
  expect(
    (
      await call('POST', `/v1/receivables/${ext.a2}/payments`, {
        amount: 79,
        paymentId: 'pay-a2',
        method: 'ideal',
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call('PATCH', `/v1/receivables/${ext.a2}`, {
        status: 'paused',
        reason: 'mevrouw Quaggelbroek belt terug',
      })
    ).status,
  ).toBe(200);
  // The letters of A and B fill a print batch (two letters), which goes to the printer.
  await eventually(
    async () =>
      Number(
        await cs.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM print_batches WHERE corporation = ${NOORD} AND status = 'uploaded'`),
      ) > 0 || undefined,
    20_000,
    'the print batch uploaded',
  );
}, 180_000);

afterAll(async () => {
  await cs?.stop();
});

describe('erasing a debtor', () => {
  it('refuses while receivables are open or paused, names them, and changes nothing', async () => {
    const carrying = async () =>
      Number(
        await cs.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM receivables WHERE corporation = ${NOORD} AND debtor ->> 'name' = ${A.name}`),
      );
    const before = await carrying();
    const res = await erase(A.id);
    expect(res.status).toBe(409);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('OST_ERR_CONFLICT');
    for (const e of [ext.a2, ext.a3, ext.a5]) expect(body.message).toContain(e);
    expect(body.message).not.toContain(ext.a1);
    expect(body.message).toMatch(/cancel them/);
    expect(await carrying()).toBe(before);
    expect(before).toBe(4);
    expect(Number(await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM erasures`))).toBe(0);
  });

  it('another corporation gets the same 404 as for an unknown debtor, and nothing of ours changes', async () => {
    const other = await erase(B.id, ZUID.key);
    const unknown = await erase('D-NOBODY');
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    const o = (await other.json()) as { code: string; message: string };
    const u = (await unknown.json()) as { code: string; message: string };
    expect(o.code).toBe('OST_ERR_NOT_FOUND');
    expect({ ...o, message: o.message.replace(B.id, 'X'), requestId: '' }).toEqual({
      ...u,
      message: u.message.replace('D-NOBODY', 'X'),
      requestId: '',
    });
    expect(
      await cs.db.oneFirst(sql.unsafe`
        SELECT debtor ->> 'name' FROM receivables WHERE corporation = ${NOORD} AND external_id = ${ext.b1}`),
    ).toBe(B.name);
    expect(Number(await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM erasures`))).toBe(0);
  });

  it('answers 400 naming the field for an id no ERP can have, and 401 without the key', async () => {
    const long = await erase('D'.repeat(101));
    expect(long.status).toBe(400);
    expect(((await long.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('debtorId');
    expect((await erase(A.id, 'not-a-key')).status).toBe(401);
    const openapi = (await (await fetch(`${cs.metricsUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(openapi.paths['/v1/debtors/{debtorId}']!.delete!.responses)).toEqual(
      expect.arrayContaining(['200', '400', '404', '409']),
    );
  });

  it('waits for a receivable of the debtor that intake has not stored yet', async () => {
    const jsm = await jetstreamManager(cs.street.nc);
    await jsm.consumers.pause(INTAKE_STREAM, INTAKE_CONSUMER, new Date(Date.now() + 60_000));
    try {
      // Arrives already paid (balance 0): nothing is sent for it.
      ext.a4 = await post(receivable({ balance: 0 }, A));
      const res = await erase(A.id);
      expect(res.status).toBe(409);
      expect(((await res.json()) as { message: string }).message).toMatch(/still being taken in/);
    } finally {
      await jsm.consumers.resume(INTAKE_STREAM, INTAKE_CONSUMER);
    }
    // The runtime's pull on the paused consumer comes back within one pull expiry (30 s in nats.js): 12 s
    // on a quiet machine, more than 15 s once in CI.
    await idOf(NOORD, ext.a4, 60_000);
  }, 90_000);

  it('erases every trace of the debtor once the dossier is closed, keeps the facts, and says so on the feed', async () => {
    for (const e of [ext.a2, ext.a3, ext.a5]) {
      expect((await call('PATCH', `/v1/receivables/${e}`, { status: 'cancelled' })).status).toBe(200);
    }
    aIds = await Promise.all([ext.a1, ext.a2, ext.a3, ext.a4, ext.a5].map((e) => idOf(NOORD, e)));
    aTokens = (
      (await cs.db.anyFirst(sql.unsafe`
        SELECT id FROM links WHERE receivable_id = ANY(${sql.array(aIds, 'uuid')})`)) as string[]
    ).map((id) => TEST_LINKS.tokenOf(id));
    expect(aTokens.length).toBeGreaterThan(0);
    const dumpBefore = await dumpDatabase(cs.street.db.url);
    // The test data is where we expect it, so the search below means something.
    expect(found(dumpBefore, A_STRINGS)).toEqual(A_STRINGS);
    const before = await facts(aIds);
    expect(before.messages.map((m) => m.channel_type)).toEqual(
      expect.arrayContaining(['email', 'sms', 'letter']),
    );

    const res = await erase(A.id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ debtorId: A.id, status: 'erased', receivables: 5 });
    expect(body.rows).toBeGreaterThan(20);

    const dump = await dumpDatabase(cs.street.db.url);
    expect(found(dump, [...A_STRINGS, ...aTokens])).toEqual([]);
    // Another debtor of the same corporation, and the other corporation's debtor with A's id, keep theirs.
    expect(found(dump, [B.name, B.email, B.address.street])).toEqual([B.name, B.email, B.address.street]);
    expect(found(dump, [Z.name, Z.email])).toEqual([Z.name, Z.email]);
    expect(await facts(aIds)).toEqual(before);
    const parts = async (ext: string) =>
      Number(
        await cs.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM message_parts p JOIN messages m ON m.id = p.message_id
          JOIN receivables r ON r.id = m.receivable_id WHERE r.corporation = ${NOORD} AND r.external_id = ${ext}`),
      );
    expect(await parts(ext.a3)).toBe(0);
    expect(await parts(ext.b3)).toBeGreaterThan(0);
    expect(
      await cs.db.oneFirst(sql.unsafe`SELECT count(*)::int FROM idempotency_keys WHERE key = 'erase-a1'`),
    ).toBe(0);

    const feed = (await (await call('GET', '/v1/events?type=debtor.erased')).json()) as {
      events: { type: string; data: { debtorId: string; erasedAt: string } }[];
    };
    expect(feed.events).toHaveLength(1);
    expect(feed.events[0]!.data).toMatchObject({ debtorId: A.id, erasedAt: body.erasedAt });
    const zuidFeed = (await (
      await call('GET', '/v1/events?type=debtor.erased', undefined, ZUID.key)
    ).json()) as {
      events: unknown[];
    };
    expect(zuidFeed.events).toEqual([]);
  });

  it('leaves nothing of the debtor in any JetStream stream', async () => {
    const messages = await readAllStreams(cs.street.nc);
    expect(messages.filter((m) => m.stream === INTAKE_STREAM)).toEqual([]);
    expect(found(messages.map((m) => `${m.subject} ${m.data}`).join('\n'), A_STRINGS)).toEqual([]);
  });

  it('answers a repeated erasure the same, by HTTP and by the CLI', async () => {
    const first = (await (await erase(A.id)).json()) as Record<string, unknown>;
    const again = await erase(A.id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    const run = await cli(
      process.cwd(),
      'debtors',
      'erase',
      A.id,
      '--url',
      cs.runtimeUrl,
      '--api-key',
      'demo-woonstad-noord-key',
      '-o',
      'json',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual(first);
    expect(Number(await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM erasures`))).toBe(1);
  });

  it('the erased dossier still reads, takes a late payment, and shows no pages', async () => {
    const timeline = await call('GET', `/v1/receivables/${ext.a2}`);
    expect(timeline.status).toBe(200);
    expect(await timeline.json()).toMatchObject({ status: 'cancelled', amount: 62079, balance: 62000 });
    const late = await call('POST', `/v1/receivables/${ext.a1}/payments`, {
      amount: 100,
      paymentId: 'pay-a1-late',
    });
    expect(late.status).toBe(200);
    // The debtor is gone: its messages are a 404, like any debtor the corporation does not have.
    expect((await call('GET', `/v1/debtors/${A.id}/messages`)).status).toBe(404);
    for (const token of aTokens) {
      expect((await fetch(`${cs.runtimeUrl}/c/${NOORD}/p/${token}`)).status).toBe(404);
    }
  });

  it('the CLI says what went wrong: unknown debtor, wrong key, unreachable runtime', async () => {
    const args = (id: string, key: string, url = cs.runtimeUrl) =>
      cli(process.cwd(), 'debtors', 'erase', id, '--url', url, '--api-key', key);
    const unknown = await args('D-NOBODY', 'demo-woonstad-noord-key');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error OST_ERR_NOT_FOUND debtor D-NOBODY not found/);
    const wrongKey = await args(B.id, 'not-a-key');
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toMatch(/OST_ERR_UNAUTHORIZED/);
    const closed = await closedPort();
    const away = await args(B.id, 'demo-woonstad-noord-key', `http://127.0.0.1:${closed}`);
    expect(away.code).toBe(2);
    expect(away.err).toContain(
      `OST_ERR_CLI_REQUEST cannot reach the runtime at http://127.0.0.1:${closed}: ECONNREFUSED`,
    );
    expect(away.err).toContain('check --server');
    expect(
      await cs.db.oneFirst(sql.unsafe`
        SELECT debtor ->> 'name' FROM receivables WHERE corporation = ${NOORD} AND external_id = ${ext.b1}`),
    ).toBe(B.name);
  });
});
