// Payment pages, the PSP webhook and the forms over HTTP, against a real street (PostgreSQL, NATS,
// SMTP) and the official Mollie SDK talking to the local Mollie-speaking server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { tokenHash } from '../../runtime/dossiers/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import { NOORD, type PagesStreet, rentReceivable, startPagesStreet, WEST, ZUID } from '../support/browser.js';
import { formPost, type PageRequest, requestPage } from '../support/page-request.js';
import { eventually, TEST_LINKS } from '../support/street.js';

let s: PagesStreet;

/** GET/POST as a browser on `host` would (the street has no DNS: we connect to loopback and set Host). */
const page = (host: string | undefined, path: string, init: PageRequest = {}) =>
  requestPage(s.port, host, path, init);

const form = (values: Record<string, string>) => formPost(values);

async function count(table: string, where = sql.fragment`TRUE`): Promise<number> {
  return Number(
    await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM ${sql.identifier([table])} WHERE ${where}`),
  );
}

beforeAll(async () => {
  s = await startPagesStreet();
});
afterAll(async () => {
  await s?.stop();
});

describe('payment page', () => {
  let token: string;
  beforeAll(async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1001'));
    token = await s.paymentToken(NOORD.id, 'PG-1001');
  });

  it('shows the corporation, the amount in Dutch notation, invoice number, reference, description and contact', async () => {
    const { status, body, headers } = await page(NOORD.host, `/p/${token}`);
    expect(status).toBe(200);
    expect(body).toContain('Woonstichting Noord');
    expect(body).toContain('€ 620,79');
    expect(body).toContain('121241001');
    expect(body).toContain('152800000001001');
    expect(body).toContain('Huur november 2026');
    expect(body).toContain('050 123 45 67');
    expect(body).toContain('Betaal met iDEAL');
    expect(body).toContain('<html lang="nl">');
    const csp = headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain(`form-action 'self' ${s.mollie.checkoutOrigin}`);
    expect(csp).not.toContain('script-src');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toBe('no-store');
    expect(body).not.toMatch(/<script/i);
  });

  it('speaks English when the browser or ?lang= asks for it', async () => {
    expect((await page(NOORD.host, `/p/${token}`, { lang: 'en-GB,en;q=0.8' })).body).toContain(
      'Pay with iDEAL',
    );
    const en = await page(NOORD.host, `/p/${token}?lang=en`);
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('€620.79');
  });

  it('picks dark text on a light brand colour so the contrast stays at least 4.5:1', async () => {
    await s.postReceivable(ZUID.apiKey, rentReceivable('PZ-2001'));
    const zuid = await s.paymentToken(ZUID.id, 'PZ-2001');
    const { body } = await page(ZUID.host, `/p/${zuid}`);
    expect(body).toContain('--brand:#ffd54f;--on-brand:#1a1a1a');
    expect((await page(NOORD.host, `/p/${token}`)).body).toContain('--brand:#00695c;--on-brand:#ffffff');
  });

  it('a forged, expired, other-corporation or wrong-purpose token gets the same plain 404 and changes nothing', async () => {
    const before = await count('psp_payments');
    const forged = 'AAAAAAAAAAAAAAAAAAAAAAAA';
    for (const [host, path] of [
      [NOORD.host, `/p/${forged}`],
      [ZUID.host, `/p/${token}`],
      [NOORD.host, `/p/${token.slice(0, -1)}`],
      [NOORD.host, `/f/${token}`],
      [undefined, `/p/${token}`],
      ['unknown.example', `/p/${token}`],
    ] as const) {
      const r = await page(host, path);
      expect(r.status, `${host} ${path}`).toBe(404);
      expect(r.body).toContain('Pagina niet gevonden');
      expect(r.body).not.toContain('Woonstichting Noord');
    }
    expect((await page(ZUID.host, `/p/${token}/pay`, form({}))).status).toBe(404);
    await s.db.query(
      sql.unsafe`UPDATE links SET expires_at = now() - interval '1 second' WHERE token_sha256 = ${sql.binary(tokenHash(token))}`,
    );
    expect((await page(NOORD.host, `/p/${token}`)).status).toBe(404);
    expect((await page(NOORD.host, `/p/${token}/pay`, form({}))).status).toBe(404);
    await s.db.query(
      sql.unsafe`UPDATE links SET expires_at = now() + interval '90 days' WHERE token_sha256 = ${sql.binary(tokenHash(token))}`,
    );
    expect(await count('psp_payments')).toBe(before);
    expect(s.mollie.creates).toHaveLength(0);
  });

  it('on the runtime host, /c/<corporation>/p/<token> serves the page for development', async () => {
    const dev = await page(undefined, `/c/${NOORD.id}/p/${token}`);
    expect(dev.status).toBe(200);
    expect(dev.body).toContain('€ 620,79');
    expect(dev.body).toContain(`action="/c/${NOORD.id}/p/${token}/pay?lang=nl"`);
    expect((await page(undefined, `/c/${ZUID.id}/p/${token}`)).status).toBe(404);
    expect((await page(NOORD.host, `/c/${NOORD.id}/p/${token}`)).status).toBe(404);
  });

  it('a corporation without a payment host is served on the runtime URL; without PSP key it offers transfer only', async () => {
    await s.postReceivable(WEST.apiKey, rentReceivable('PW-3001'));
    const west = await s.paymentToken(WEST.id, 'PW-3001');
    const r = await page(undefined, `/p/${west}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('Woongoed West');
    expect(r.body).not.toContain('Betaal met iDEAL');
    expect(r.body).toContain('overmaken');
    expect((await page(undefined, `/p/${west}/pay`, form({}))).status).toBe(303);
    expect(s.mollie.creates).toHaveLength(0);
  });

  it('QR code of the link as SVG, under the same host rules', async () => {
    const r = await page(NOORD.host, `/q/${token}.svg`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('image/svg+xml');
    expect(r.body).toContain('<svg');
    expect((await page(ZUID.host, `/q/${token}.svg`)).status).toBe(404);
  });
});

describe('paying with iDEAL through Mollie', () => {
  it('creates a Mollie payment, and the webhook marks the receivable paid, stops the case and closes the link', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1002'));
    const token = await s.paymentToken(NOORD.id, 'PG-1002');
    const receivableId = await s.receivableId(NOORD.id, 'PG-1002');
    const pay = await page(NOORD.host, `/p/${token}/pay`, form({}));
    expect(pay.status).toBe(303);
    const created = s.mollie.creates.at(-1)!;
    expect(created.apiKey).toBe(NOORD.mollieKey);
    expect(created.body).toMatchObject({
      amount: { currency: 'EUR', value: '620.79' },
      method: 'ideal',
      locale: 'nl_NL',
      webhookUrl: `${s.url}/psp/mollie/webhook`,
    });
    const paymentId = (created.body.metadata as { paymentId: string }).paymentId;
    expect(created.idempotencyKey).toBe(paymentId);
    expect(created.body.redirectUrl).toBe(`http://${NOORD.host}:${s.port}/p/${token}/return/${paymentId}`);
    const molliePayment = [...s.mollie.payments.values()].at(-1)!;
    expect(pay.location).toBe(`${s.mollie.url}/checkout/${molliePayment.id}`);

    // A second tap while the checkout is open reuses it.
    expect((await page(NOORD.host, `/p/${token}/pay`, form({}))).location).toBe(pay.location);
    expect(s.mollie.creates.filter((c) => c.body.redirectUrl === created.body.redirectUrl)).toHaveLength(1);

    // Out of order: an 'open' webhook first, then paid, then paid again.
    expect(await s.mollie.callWebhook(molliePayment.id)).toBe(200);
    await s.mollie.setStatus(molliePayment.id, 'paid');
    expect(await s.mollie.callWebhook(molliePayment.id)).toBe(200);
    expect(await s.mollie.callWebhook(molliePayment.id)).toBe(200);

    const r = await s.db.one(
      sql.unsafe`SELECT status, balance_minor FROM receivables WHERE id = ${receivableId}`,
    );
    expect(r).toMatchObject({ status: 'paid', balance_minor: 0 });
    expect(await count('payments', sql.fragment`receivable_id = ${receivableId}`)).toBe(1);
    const cases = await s.db.any(sql.unsafe`SELECT status FROM cases WHERE receivable_id = ${receivableId}`);
    expect(cases.map((c) => c.status)).toEqual(['stopped']);
    expect(
      await count(
        'steps',
        sql.fragment`case_id IN (SELECT id FROM cases WHERE receivable_id = ${receivableId})
        AND status = 'scheduled'`,
      ),
    ).toBe(0);
    expect(
      await s.db.oneFirst(
        sql.unsafe`SELECT closed_at IS NOT NULL FROM links WHERE token_sha256 = ${sql.binary(tokenHash(token))}`,
      ),
    ).toBe(true);
    const events = await s.db.anyFirst(sql.unsafe`
      SELECT type FROM events WHERE receivable_id = ${receivableId} ORDER BY seq`);
    expect(events.filter((t) => t === 'payment.received')).toHaveLength(1);
    expect(events).toContain('receivable.paid');

    // The return page asks server-side and shows success; the link now says "already paid".
    const back = await page(NOORD.host, `/p/${token}/return/${paymentId}`);
    expect(back.status).toBe(200);
    expect(back.body).toContain('Betaling gelukt');
    const again = await page(NOORD.host, `/p/${token}`);
    expect(again.status).toBe(200);
    expect(again.body).toContain('Al betaald');
    expect(again.body).not.toContain('Betaal met iDEAL');
    const creates = s.mollie.creates.length;
    expect((await page(NOORD.host, `/p/${token}/pay`, form({}))).location).toBe(`/p/${token}?lang=nl`);
    expect(s.mollie.creates.length).toBe(creates);
  });

  it('paid webhooks arriving at the same moment book the payment once, each answered 200', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1006'));
    const token = await s.paymentToken(NOORD.id, 'PG-1006');
    const receivableId = await s.receivableId(NOORD.id, 'PG-1006');
    expect((await page(NOORD.host, `/p/${token}/pay`, form({}))).status).toBe(303);
    const molliePayment = [...s.mollie.payments.values()].at(-1)!;
    await s.mollie.setStatus(molliePayment.id, 'paid');
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => s.mollie.callWebhook(molliePayment.id)),
    );
    expect(answers).toEqual(Array(6).fill(200));
    expect(await count('payments', sql.fragment`receivable_id = ${receivableId}`)).toBe(1);
    const row = await s.db.one(sql.unsafe`
      SELECT status, applied_at IS NOT NULL AS applied, paid_amount_minor FROM psp_payments
      WHERE receivable_id = ${receivableId}`);
    expect(row).toMatchObject({ status: 'paid', applied: true, paid_amount_minor: 62079 });
  });

  it('a link for a receivable the ERP reported paid says so and starts no payment', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1003'));
    const token = await s.paymentToken(NOORD.id, 'PG-1003');
    const res = await fetch(`${s.url}/v1/receivables/PG-1003/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${NOORD.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paymentId: 'erp-bank-77', amount: 62079 }),
    });
    expect(res.status).toBeLessThan(300);
    const r = await page(NOORD.host, `/p/${token}`);
    expect(r.body).toContain('Al betaald');
    const creates = s.mollie.creates.length;
    expect((await page(NOORD.host, `/p/${token}/pay`, form({}))).status).toBe(303);
    expect(s.mollie.creates.length).toBe(creates);
  });

  it('a paid payment of less than the balance reduces the balance and the case goes on', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1004'));
    const token = await s.paymentToken(NOORD.id, 'PG-1004');
    const receivableId = await s.receivableId(NOORD.id, 'PG-1004');
    await page(NOORD.host, `/p/${token}/pay`, form({}));
    const p = [...s.mollie.payments.values()].at(-1)!;
    p.amount = { value: '300.00', currency: 'EUR' };
    await s.mollie.setStatus(p.id, 'paid');
    const r = await s.db.one(
      sql.unsafe`SELECT status, balance_minor FROM receivables WHERE id = ${receivableId}`,
    );
    expect(r).toMatchObject({ status: 'open', balance_minor: 32079 });
    const again = await page(NOORD.host, `/p/${token}`);
    expect(again.body).toContain('€ 320,79');
    expect(again.body).toContain('Betaal met iDEAL');
  });

  it('the return page shows pending (reloading itself) and failed (with a retry), without any script', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1005'));
    const token = await s.paymentToken(NOORD.id, 'PG-1005');
    await page(NOORD.host, `/p/${token}/pay`, form({}));
    const p = [...s.mollie.payments.values()].at(-1)!;
    const ours = (p.metadata as { paymentId: string }).paymentId;
    await s.mollie.setStatus(p.id, 'pending', { webhook: false });
    const pending = await page(NOORD.host, `/p/${token}/return/${ours}`);
    expect(pending.body).toContain('Betaling wordt verwerkt');
    expect(pending.body).toContain('<meta http-equiv="refresh" content="3">');
    await s.mollie.setStatus(p.id, 'failed', { webhook: false });
    const failed = await page(NOORD.host, `/p/${token}/return/${ours}`);
    expect(failed.body).toContain('Betaling niet gelukt');
    expect(failed.body).toContain(`action="/p/${token}/pay?lang=nl"`);
    // Another corporation's host, or another link's token, cannot see this payment.
    expect((await page(ZUID.host, `/p/${token}/return/${ours}`)).status).toBe(404);
  });

  it('a webhook for an unknown payment id is answered 200 and changes nothing', async () => {
    const before = await count('payments');
    const res = await fetch(`${s.url}/psp/mollie/webhook`, form({ id: 'tr_unknown123' }));
    expect(res.status).toBe(200);
    expect(await count('payments')).toBe(before);
  });
});

describe('contact-data form', () => {
  let token: string;
  let receivableId: string;
  beforeAll(async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1101'));
    receivableId = await s.receivableId(NOORD.id, 'PG-1101');
    token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, receivableId, 'contact');
  });

  it('validates on the server and puts the message next to the field', async () => {
    const empty = await page(NOORD.host, `/f/${token}`, form({ mobile: '', email: '' }));
    expect(empty.status).toBe(422);
    expect(empty.body).toContain('Vul een mobiel nummer of een e-mailadres in.');
    const bad = await page(NOORD.host, `/f/${token}`, form({ mobile: '0201234567', email: 'nope@' }));
    expect(bad.body).toMatch(/id="f-mobile-error">Vul een geldig mobiel nummer in/);
    expect(bad.body).toMatch(/id="f-email-error">Vul een geldig e-mailadres in/);
    expect(bad.body).toContain('aria-describedby="f-mobile-hint f-mobile-error" aria-invalid="true"');
    expect(bad.body).toContain('value="0201234567"');
    expect(await count('contact_updates')).toBe(0);
  });

  it('stores valid data, tells the ERP and confirms by email to the new address', async () => {
    const sent = s.street.smtp.messages.length;
    const ok = await page(
      NOORD.host,
      `/f/${token}`,
      form({ mobile: '06 1234 5678', email: 'Nieuw@Example.ORG' }),
    );
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/f/${token}?lang=nl&done=1&mail=1`);
    // A rent reminder's contact form updates the details; the rent receivable itself stays open.
    expect(await s.db.oneFirst(sql.unsafe`SELECT status FROM receivables WHERE id = ${receivableId}`)).toBe(
      'open',
    );
    const row = await s.db.one(sql.unsafe`SELECT email, phone, source FROM contact_updates`);
    expect(row).toEqual({ email: 'Nieuw@example.org', phone: '+31612345678', source: 'tenant' });
    const event = await s.db.one(sql.unsafe`
      SELECT external_id, data FROM events WHERE type = 'contact.updated' AND receivable_id = ${receivableId}`);
    expect(event).toMatchObject({
      external_id: 'PG-1101',
      data: { phone: '+31612345678', email: 'Nieuw@example.org' },
    });
    const mail = await eventually(
      async () => s.street.smtp.messages.slice(sent).find((m) => m.to.includes('Nieuw@example.org')),
      5_000,
      'the confirmation email',
    );
    expect(mail!.raw).toContain('Uw nieuwe e-mailadres is opgeslagen');
    const thanks = await page(NOORD.host, ok.location!);
    expect(thanks.body).toContain('Uw contactgegevens zijn opgeslagen.');
  });
});

describe('a contact-data campaign', () => {
  it('ends when the tenant sends their details through the form', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1151', { kind: 'enrichment', amount: 0 }));
    const id = await s.receivableId(NOORD.id, 'PG-1151');
    const token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, id, 'contact');
    const ok = await page(NOORD.host, `/f/${token}`, form({ mobile: '06 1234 5679', email: '' }));
    expect(ok.status).toBe(303);
    expect(await s.db.oneFirst(sql.unsafe`SELECT status FROM receivables WHERE id = ${id}`)).toBe(
      'cancelled',
    );
    expect((await page(NOORD.host, ok.location!)).body).toContain('Uw contactgegevens zijn opgeslagen.');
  });
});

describe('meter-reading form and staff entry', () => {
  let token: string;
  beforeAll(async () => {
    await s.postReceivable(
      NOORD.apiKey,
      rentReceivable('PG-1201', {
        kind: 'meter-reading',
        amount: 0,
        vars: {
          meterNumber: 'WM-2210-0457',
          meterLastReading: 1200,
          meterLastReadingDate: '2025-05-01',
          meterYearlyUse: 100,
        },
      }),
    );
    const id = await s.receivableId(NOORD.id, 'PG-1201');
    token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, id, 'meter');
  });

  it('shows address and meter number and checks the reading for plausibility', async () => {
    const get = await page(NOORD.host, `/f/${token}`);
    expect(get.body).toContain('Vismarkt 12a, 9712 CA Groningen');
    expect(get.body).toContain('WM-2210-0457');
    const lower = await page(NOORD.host, `/f/${token}`, form({ reading: '1100', readOn: '2026-05-01' }));
    expect(lower.status).toBe(422);
    expect(lower.body).toContain('lager dan de vorige stand (1200)');
    expect(lower.body).toContain('Ik weet zeker dat deze stand klopt');
    const high = await page(NOORD.host, `/f/${token}`, form({ reading: '1600', readOn: '2026-05-01' }));
    expect(high.body).toContain('veel hoger dan wij verwachten');
    const junk = await page(NOORD.host, `/f/${token}`, form({ reading: '12,5', readOn: '2999-01-01' }));
    expect(junk.body).toMatch(/id="f-reading-error">Vul de meterstand in als heel getal/);
    expect(junk.body).toMatch(/id="f-readOn-error">Vul een datum in die niet in de toekomst ligt/);
    expect(await count('meter_readings')).toBe(0);
  });

  it('records a plausible reading, and an implausible one only when confirmed, flagged for review', async () => {
    const ok = await page(NOORD.host, `/f/${token}`, form({ reading: '1290', readOn: '2026-05-01' }));
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/f/${token}?lang=nl&done=1`);
    const sure = await page(
      NOORD.host,
      `/f/${token}`,
      form({ reading: '1000', readOn: '2026-05-02', confirm: 'yes' }),
    );
    expect(sure.location).toBe(`/f/${token}?lang=nl&done=1&review=1`);
    const rows = await s.db.any(sql.unsafe`
      SELECT reading, needs_review, review_reason, source FROM meter_readings ORDER BY submitted_at`);
    expect(rows).toEqual([
      { reading: 1290, needs_review: false, review_reason: null, source: 'tenant' },
      { reading: 1000, needs_review: true, review_reason: 'lower', source: 'tenant' },
    ]);
    expect(await count('events', sql.fragment`type = 'meter.reading'`)).toBe(2);
    // The reading is in: the campaign request ends, so its reminder does not go out.
    const request = await s.db.one(sql.unsafe`
      SELECT status, (SELECT count(*) FROM events e WHERE e.receivable_id = r.id
        AND e.type = 'receivable.updated' AND e.data->>'status' = 'cancelled') AS ended
      FROM receivables r WHERE corporation = ${NOORD.id} AND external_id = 'PG-1201'`);
    expect(request).toEqual({ status: 'cancelled', ended: 1 });
  });

  it('staff enter paper forms through the API, checked against the same readings', async () => {
    const post = (body: unknown, key = NOORD.apiKey) =>
      fetch(`${s.url}/v1/forms/meter-readings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ meterNumber: 'WM-2210-0457', reading: 1300 }, 'wrong')).status).toBe(401);
    const invalid = await post({ meterNumber: '', reading: -1 });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'meterNumber',
      'reading',
      'address',
    ]);
    const lower = await post({
      meterNumber: 'WM-2210-0457',
      reading: 1250,
      externalId: 'PG-1201',
      readOn: '2026-06-01',
    });
    expect(lower.status).toBe(422);
    expect(((await lower.json()) as { code: string }).code).toBe('OST_ERR_IMPLAUSIBLE_READING');
    const ok = await post({
      meterNumber: 'WM-2210-0457',
      reading: 1310,
      externalId: 'PG-1201',
      readOn: '2026-06-01',
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ needsReview: false });
    const paper = await post({ meterNumber: 'E-99', reading: 5, address: 'Dorpsstraat 1, 1234 AB Ergens' });
    expect(paper.status).toBe(201);

    const csv = await fetch(`${s.url}/v1/forms/meter-readings.csv`, {
      headers: { authorization: `Bearer ${NOORD.apiKey}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'submittedAt,externalId,address,meterNumber,reading,readOn,source,needsReview,reviewReason',
    );
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain(
      ',PG-1201,"Vismarkt 12a, 9712 CA Groningen",WM-2210-0457,1310,2026-06-01,staff,false,',
    );
    const other = await fetch(`${s.url}/v1/forms/meter-readings.csv`, {
      headers: { authorization: `Bearer ${ZUID.apiKey}` },
    });
    expect((await other.text()).trim().split('\r\n')).toHaveLength(1);
    const contacts = await fetch(`${s.url}/v1/forms/contact-updates.csv`, {
      headers: { authorization: `Bearer ${NOORD.apiKey}` },
    });
    expect(await contacts.text()).toContain(',PG-1101,D-PG-1101,Nieuw@example.org,+31612345678,tenant');
  });
});

describe('after payment, no further reminder', () => {
  it('the second step never goes out, even when its time comes', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('PG-1301'));
    const token = await s.paymentToken(NOORD.id, 'PG-1301');
    const receivableId = await s.receivableId(NOORD.id, 'PG-1301');
    await eventually(
      async () => (await count('messages', sql.fragment`receivable_id = ${receivableId}`)) === 1 || undefined,
    );
    const caseSteps = sql.fragment`case_id IN (SELECT id FROM cases WHERE receivable_id = ${receivableId})`;
    expect(await count('steps', sql.fragment`${caseSteps} AND status = 'scheduled'`)).toBeGreaterThan(0);
    await page(NOORD.host, `/p/${token}/pay`, form({}));
    await s.mollie.setStatus([...s.mollie.payments.values()].at(-1)!.id, 'paid');
    expect(await count('steps', sql.fragment`${caseSteps} AND status = 'scheduled'`)).toBe(0);
    expect(await count('steps', sql.fragment`${caseSteps} AND status = 'cancelled'`)).toBeGreaterThan(0);
    // Time travel: whatever is still pending for the case becomes due now.
    await s.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() WHERE case_id IN (SELECT id FROM cases WHERE receivable_id = ${receivableId})
        AND status IN ('scheduled', 'claimed')`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await count('messages', sql.fragment`receivable_id = ${receivableId}`)).toBe(1);
  });
});
