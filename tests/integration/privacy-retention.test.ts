// Retention per corporation and kind of data (Corporation spec.retention) against a real street: a
// corporation with short retentions sends, takes payments and form data, and the sweep, run on a clock
// that moves on days at a time, erases each kind once its days have passed, in small batches, and keeps
// the facts. An erasure request after retention still finds the debtor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { sweepRetention } from '../../runtime/archive/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import { dumpDatabase, found } from '../support/data-dump.js';
import { eventually, TEST_LINKS } from '../support/street.js';
import { type ChannelStreet, messageEventually, receivable, startChannelStreet } from './channels-fixture.js';

const KORT = { id: 'retention-kort', key: 'retention-kort-erp-key' };
const DAY = 86_400_000;

const corporation = `apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: ${KORT.id}, namespace: ${KORT.id} }
spec:
  displayName: Kort Bewaard
  base: outputstraat-base
  senderDomains: [retention-kort.example]
  sender: { email: noreply@retention-kort.example }
  ingress: { apiKeySecretRef: { name: erp-api-key } }
  retention: { messagesDays: 10, dossiersDays: 5, formsDays: 3, eventsDays: 2 }
---
apiVersion: v1
kind: Secret
metadata: { name: erp-api-key, namespace: ${KORT.id} }
type: Opaque
stringData: { api-key: ${KORT.key} }
`;

const K1 = {
  id: 'D-KORT-1',
  name: 'Kornelia Kortebewaard',
  salutation: 'Beste mevrouw Kortebewaard',
  email: 'kornelia.kortebewaard@kort.example',
  phone: '+31687651111',
  preferredChannel: 'email',
  address: { street: 'Eendagsvlieglaan', houseNumber: '1', postalCode: '1111 KB', city: 'Kortstad' },
};
const K2 = {
  id: 'D-KORT-2',
  name: 'Klaas Langeloop',
  email: 'klaas.langeloop@kort.example',
  phone: '+31687652222',
  preferredChannel: 'email',
  address: { street: 'Doorlopersweg', houseNumber: '2', postalCode: '2222 KB', city: 'Kortstad' },
};
const NEW_EMAIL = 'kornelia.nieuw@kort.example';

let cs: ChannelStreet;
let r1: string;
let r2: string;
let t0: number;

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${cs.runtimeUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KORT.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const sweepAt = (days: number) =>
  sweepRetention(cs.db, cs.street.runtimes[0]!.bundles, new Date(t0 + days * DAY), { batchSize: 2 });

const one = async (query: ReturnType<typeof sql.unsafe>) => cs.db.one(query);

beforeAll(async () => {
  cs = await startChannelStreet({ 'kort.yaml': corporation });
  await eventually(async () => cs.street.runtimes[0]!.bundles.get(KORT.id), 10_000, 'the corporation');
  t0 = Date.now();
  const first = receivable({ externalId: `KORT-${Date.now()}-1` }, K1);
  const second = receivable({ externalId: `KORT-${Date.now()}-2` }, K2);
  for (const r of [first, second]) expect((await call('POST', '/v1/receivables', r)).status).toBe(202);
  r1 = first.externalId;
  r2 = second.externalId;
  for (const e of [r1, r2]) await messageEventually(cs, e, (m) => m.status === 'sent', `${e} sent`, 20_000);
  const id1 = (await cs.db.oneFirst(sql.unsafe`
    SELECT id FROM receivables WHERE corporation = ${KORT.id} AND external_id = ${r1}`)) as string;
  const token = await ensureFormLink(cs.db, TEST_LINKS, KORT.id, id1, 'contact');
  const form = await fetch(`${cs.runtimeUrl}/c/${KORT.id}/f/${token}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: NEW_EMAIL, mobile: '' }).toString(),
  });
  expect(form.status).toBe(303);
  const meter = await call('POST', '/v1/forms/meter-readings', {
    meterNumber: 'WM-KORT-1',
    reading: 1234,
    externalId: r1,
  });
  expect(meter.status).toBe(201);
  expect(
    (
      await call('POST', `/v1/receivables/${r1}/payments`, {
        amount: 62079,
        paymentId: 'kort-1',
        method: 'ideal',
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call('PATCH', `/v1/receivables/${r2}`, {
        arrangement: { note: 'Langeloop betaalt in 3 termijnen' },
      })
    ).status,
  ).toBe(200);
  await eventually(
    async () =>
      Number(
        await cs.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM messages WHERE corporation = ${KORT.id} AND status = 'sending'`),
      ) === 0 || undefined,
    20_000,
    'every message sent',
  );
}, 180_000);

afterAll(async () => {
  await cs?.stop();
});

describe('retention per kind of data', () => {
  it('keeps everything while no kind is past its days', async () => {
    expect(await sweepAt(1)).toEqual({});
  });

  it('after eventsDays the feed keeps the facts and loses contact data, notes and methods', async () => {
    const report = await sweepAt(2.5);
    expect(report.event_rows).toBeGreaterThanOrEqual(3);
    expect(Object.keys(report)).toEqual(['event_rows']);
    const data = async (type: string) =>
      (await cs.db.anyFirst(sql.unsafe`
        SELECT data FROM events WHERE corporation = ${KORT.id} AND type = ${type} ORDER BY seq`)) as Record<
        string,
        unknown
      >[];
    expect(await data('contact.updated')).toEqual([{ source: 'tenant' }]);
    expect(await data('payment.received')).toEqual([
      expect.objectContaining({ amount: 62079, paymentId: 'kort-1' }),
    ]);
    expect((await data('payment.received'))[0]).not.toHaveProperty('method');
    expect((await data('receivable.updated'))[0]).not.toHaveProperty('arrangement');
    expect((await data('meter.reading'))[0]).toMatchObject({ reading: 1234, meterNumber: 'WM-KORT-1' });
    expect((await data('meter.reading'))[0]).not.toHaveProperty('address');
    // What stays personal until its own days: the form rows.
    expect(await one(sql.unsafe`SELECT email FROM contact_updates WHERE corporation = ${KORT.id}`)).toEqual({
      email: NEW_EMAIL,
    });
  });

  it('after formsDays contact data and meter addresses are gone, readings stay', async () => {
    const report = await sweepAt(3.5);
    expect(report).toEqual({ contact_updates: 1, meter_readings: 1 });
    expect(
      await one(sql.unsafe`
        SELECT debtor_id, email, phone, source, erased_at IS NOT NULL AS erased FROM contact_updates
        WHERE corporation = ${KORT.id}`),
    ).toEqual({ debtor_id: null, email: null, phone: null, source: 'tenant', erased: true });
    expect(
      await one(sql.unsafe`
        SELECT address, meter_number, reading FROM meter_readings WHERE corporation = ${KORT.id}`),
    ).toEqual({ address: null, meter_number: 'WM-KORT-1', reading: 1234 });
  });

  it('after dossiersDays a paid receivable loses the debtor but keeps its id, amounts and status; an open one keeps all', async () => {
    const report = await sweepAt(5.5);
    // Its payment link and its contact-form link.
    expect(report).toMatchObject({ receivables: 1, links: 2, payments: 1 });
    const row = async (e: string) =>
      one(sql.unsafe`
        SELECT debtor, payload, description, amount_minor, balance_minor, status FROM receivables
        WHERE corporation = ${KORT.id} AND external_id = ${e}`);
    const paid = await row(r1);
    expect(paid).toMatchObject({
      debtor: { id: K1.id, erased: true },
      description: null,
      amount_minor: 62079,
      balance_minor: 0,
      status: 'paid',
    });
    expect((paid.payload as { debtor: unknown }).debtor).toEqual({ id: K1.id, erased: true });
    expect((paid.payload as { amount: number }).amount).toBe(62079);
    expect(((await row(r2)).debtor as { name: string }).name).toBe(K2.name);
    expect(
      await cs.db.anyFirst(sql.unsafe`
        SELECT method FROM payments WHERE corporation = ${KORT.id}`),
    ).toEqual([null]);
  });

  it('after messagesDays contents and archived parts go in batches, counts per channel stay', async () => {
    const before = await cs.db.any(sql.unsafe`
      SELECT channel_type, status, count(*)::int AS n FROM messages WHERE corporation = ${KORT.id} GROUP BY 1, 2`);
    const total = before.reduce((n, r) => n + Number(r.n), 0);
    expect(total).toBeGreaterThan(2); // more than one batch of two
    const report = await sweepAt(10.5);
    expect(report.messages).toBe(total);
    expect(report.message_parts).toBeGreaterThan(0);
    expect(
      await cs.db.any(sql.unsafe`
        SELECT channel_type, status, count(*)::int AS n FROM messages WHERE corporation = ${KORT.id} GROUP BY 1, 2`),
    ).toEqual(before);
    expect(
      await one(sql.unsafe`
        SELECT count(*) FILTER (WHERE content IS NOT NULL OR recipient IS NOT NULL OR subject IS NOT NULL)::int AS left,
          count(*) FILTER (WHERE purged_at IS NULL)::int AS unpurged
        FROM messages WHERE corporation = ${KORT.id}`),
    ).toEqual({ left: 0, unpurged: 0 });
    const dump = await dumpDatabase(cs.street.db.url);
    expect(found(dump, [K1.name, K1.email, NEW_EMAIL, K1.address.street])).toEqual([]);
    // The open receivable still holds its debtor: it is a live dossier.
    expect(found(dump, [K2.name])).toEqual([K2.name]);
    expect(await sweepAt(10.5)).toEqual({});
  });

  it('an erasure request after retention still finds the debtor and removes the id as well', async () => {
    const res = await call('DELETE', `/v1/debtors/${K1.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ debtorId: K1.id, receivables: 1 });
    expect(
      await cs.db.oneFirst(sql.unsafe`
        SELECT debtor FROM receivables WHERE corporation = ${KORT.id} AND external_id = ${r1}`),
    ).toEqual({ erased: true });
  });
});
