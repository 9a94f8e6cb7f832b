// The payment page of a per-debtor dossier (Flow spec.scope: debtor; docs/pages.md "A dossier's page"):
// it shows the open items and their total, the Mollie checkout asks for the total open at that moment, and
// the paid amount is spread over the items oldest first — all three paid and the dossier stopped, or a
// remainder left open on the item where the money ran out. Against a real street (PostgreSQL, NATS) and the
// official Mollie SDK talking to the local Mollie-speaking server; with a race loop of PSP webhooks against
// ERP payments and balance changes on the same dossier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { tokenHash } from '../../runtime/dossiers/index.js';
import {
  DOSSIER_MONTHS as MONTHS,
  NOORD,
  type PagesStreet,
  postDossier,
  startPagesStreet,
} from '../support/browser.js';
import { formPost, requestPage } from '../support/page-request.js';

let s: PagesStreet;

const page = (path: string, lang?: string) => requestPage(s.port, NOORD.host, path, lang ? { lang } : {});

async function balances(ids: string[]): Promise<Record<string, { balance: number; status: string }>> {
  const rows = await s.db.any(sql.unsafe`
    SELECT external_id, balance_minor, status FROM receivables
    WHERE corporation = ${NOORD.id} AND external_id = ANY(${sql.array(ids, 'text')})`);
  return Object.fromEntries(
    rows.map((r) => [r.external_id, { balance: Number(r.balance_minor), status: r.status as string }]),
  );
}

const caseStatus = (caseId: string) =>
  s.db.oneFirst(sql.unsafe`SELECT status FROM cases WHERE id = ${caseId}`) as Promise<string>;

const erpPayment = (externalId: string, paymentId: string, amount: number) =>
  fetch(`${s.url}/v1/receivables/${externalId}/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${NOORD.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ paymentId, amount }),
  });

beforeAll(async () => {
  s = await startPagesStreet();
});
afterAll(async () => {
  await s?.stop();
});

describe('the payment page of a per-debtor dossier', () => {
  it('shows the total and the three items, the checkout asks the total, and paying it pays all three and stops the dossier', async () => {
    const { ids, caseId, token } = await postDossier(s, 'D-DP-1');
    const nl = await page(`/p/${token}`);
    expect(nl.status).toBe(200);
    expect(nl.body).toContain('<p class="amount" id="amount">€ 1.862,37</p>');
    expect(nl.body).toContain('<caption>Openstaande posten</caption>');
    for (const [, description] of MONTHS) expect(nl.body).toContain(`<td>${description}</td>`);
    expect(nl.body.match(/<td class="num">€ 620,79<\/td>/g)).toHaveLength(3);
    expect(nl.body.indexOf('Huur september 2026')).toBeLessThan(nl.body.indexOf('Huur november 2026'));
    expect(nl.body).toContain('Betaal met iDEAL');
    const csp = nl.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(nl.body).not.toMatch(/<script/i);
    const en = await page(`/p/${token}?lang=en`);
    expect(en.body).toContain('€1,862.37');
    expect(en.body).toContain('<caption>Open items</caption>');

    const pay = await requestPage(s.port, NOORD.host, `/p/${token}/pay`, formPost({}));
    expect(pay.status).toBe(303);
    const created = s.mollie.creates.at(-1)!;
    expect(created.body).toMatchObject({ amount: { currency: 'EUR', value: '1862.37' } });
    const payment = [...s.mollie.payments.values()].at(-1)!;
    await s.mollie.setStatus(payment.id, 'paid');
    expect(await s.mollie.callWebhook(payment.id)).toBe(200);

    expect(await balances(ids)).toEqual(
      Object.fromEntries(ids.map((id) => [id, { balance: 0, status: 'paid' }])),
    );
    const payments = await s.db.any(sql.unsafe`
      SELECT r.external_id, p.payment_id, p.amount_minor, p.balance_after FROM payments p
      JOIN receivables r ON r.id = p.receivable_id
      WHERE r.external_id = ANY(${sql.array(ids, 'text')}) ORDER BY r.due_date`);
    expect(
      payments.map((p) => [p.external_id, p.payment_id, Number(p.amount_minor), Number(p.balance_after)]),
    ).toEqual(ids.map((id) => [id, `mollie:${payment.id}/${id}`, 62079, 0]));
    expect(await caseStatus(caseId)).toBe('stopped');
    expect(
      await s.db.oneFirst(
        sql.unsafe`SELECT closed_at IS NOT NULL FROM links WHERE token_sha256 = ${sql.binary(tokenHash(token))}`,
      ),
    ).toBe(true);
    const paidEvents = await s.db.anyFirst(sql.unsafe`
      SELECT e.type FROM events e JOIN receivables r ON r.id = e.receivable_id
      WHERE r.external_id = ANY(${sql.array(ids, 'text')}) AND e.type IN ('payment.received', 'receivable.paid')`);
    expect(paidEvents.filter((t) => t === 'payment.received')).toHaveLength(3);
    expect(paidEvents.filter((t) => t === 'receivable.paid')).toHaveLength(3);
    const back = await page(
      `/p/${token}/return/${(created.body.metadata as { paymentId: string }).paymentId}`,
    );
    expect(back.body).toContain('Betaling gelukt');
    expect(back.body).toContain('€ 1.862,37');
  });

  it('an ERP payment on one item before checkout: the page and the checkout show the new total; a part paid pays the oldest first', async () => {
    const { ids, caseId, token } = await postDossier(s, 'D-DP-2');
    expect((await page(`/p/${token}`)).body).toContain('€ 1.862,37');
    expect((await erpPayment(ids[1]!, 'erp-dp-2', 20000)).status).toBeLessThan(300);
    const after = await page(`/p/${token}`);
    expect(after.body).toContain('<p class="amount" id="amount">€ 1.662,37</p>');
    expect(after.body).toContain('<td class="num">€ 420,79</td>');

    const pay = await requestPage(s.port, NOORD.host, `/p/${token}/pay`, formPost({}));
    expect(pay.status).toBe(303);
    expect(s.mollie.creates.at(-1)!.body).toMatchObject({ amount: { value: '1662.37' } });
    // The tenant pays € 1.000,00 of it (the PSP reports what was paid).
    const payment = [...s.mollie.payments.values()].at(-1)!;
    payment.amount = { value: '1000.00', currency: 'EUR' };
    await s.mollie.setStatus(payment.id, 'paid');
    // September (€ 620,79) is paid; October's € 420,79 takes the other € 379,21: € 41,58 stays open.
    expect(await balances(ids)).toEqual({
      [ids[0]!]: { balance: 0, status: 'paid' },
      [ids[1]!]: { balance: 4158, status: 'open' },
      [ids[2]!]: { balance: 62079, status: 'open' },
    });
    expect(await caseStatus(caseId)).toBe('active');
    // The same link now pays what is still open: two items, € 662,37.
    const rest = await page(`/p/${token}`);
    expect(rest.body).toContain('<p class="amount" id="amount">€ 662,37</p>');
    expect(rest.body.match(/<tr><td>Huur/g)).toHaveLength(2);
    expect(rest.body).not.toContain('<td>Huur september 2026</td>');
    // Its own item is paid, but the link pays the dossier: a checkout for the rest.
    const creates = s.mollie.creates.length;
    expect((await requestPage(s.port, NOORD.host, `/p/${token}/pay`, formPost({}))).status).toBe(303);
    expect(s.mollie.creates).toHaveLength(creates + 1);
    expect(s.mollie.creates.at(-1)!.body).toMatchObject({ amount: { value: '662.37' } });
  });

  it('a PSP webhook racing an ERP payment or a balance change on the same dossier books every cent once, oldest first', async () => {
    for (let round = 0; round < 8; round++) {
      const { ids, caseId, token } = await postDossier(s, `D-DP-RACE-${round}`);
      await requestPage(s.port, NOORD.host, `/p/${token}/pay`, formPost({}));
      const payment = [...s.mollie.payments.values()].at(-1)!;
      expect(payment.amount.value).toBe('1862.37');
      await s.mollie.setStatus(payment.id, 'paid', { webhook: false });
      const erp =
        round % 2 === 0
          ? () => erpPayment(ids[1]!, `erp-race-${round}`, 10000)
          : () =>
              fetch(`${s.url}/v1/receivables/${ids[1]}`, {
                method: 'PATCH',
                headers: { authorization: `Bearer ${NOORD.apiKey}`, 'content-type': 'application/json' },
                body: JSON.stringify({ balance: 70000, reason: 'correction' }),
              });
      const [hook, other] = await Promise.all([s.mollie.callWebhook(payment.id), erp()]);
      expect(hook).toBe(200);
      const rows = await s.db.any(sql.unsafe`
        SELECT r.external_id, p.payment_id, p.balance_after FROM payments p
        JOIN receivables r ON r.id = p.receivable_id WHERE r.external_id = ANY(${sql.array(ids, 'text')})`);
      const share = (id: string) => rows.find((r) => r.payment_id === `mollie:${payment.id}/${id}`);
      // Read under the locks, the spread pays the older items exactly what they owed at that moment.
      expect(Number(share(ids[0]!)?.balance_after), `round ${round}`).toBe(0);
      expect(Number(share(ids[1]!)?.balance_after), `round ${round}`).toBe(0);
      const b = await balances(ids);
      const sum = Object.values(b).reduce((n, x) => n + x.balance, 0);
      if (round % 2 === 0) {
        // Both payments booked once, whichever came first: the excess is on the newest item or on October.
        expect(other.status, `round ${round}`).toBeLessThan(300);
        const erpRow = rows.find((r) => r.payment_id === `erp-race-${round}`)!;
        const erpFirst = Number(erpRow.balance_after) === 52079;
        expect(b[ids[1]!]!.balance, `round ${round}`).toBe(erpFirst ? 0 : -10000);
        expect(b[ids[2]!]!.balance, `round ${round}`).toBe(erpFirst ? -10000 : 0);
        expect(sum).toBe(-10000);
        expect(await caseStatus(caseId)).toBe('stopped');
      } else if (other.status < 300) {
        // The correction came first: € 1.862,37 pays September and October (€ 700,00), November keeps € 79,21.
        expect(b).toEqual({
          [ids[0]!]: { balance: 0, status: 'paid' },
          [ids[1]!]: { balance: 0, status: 'paid' },
          [ids[2]!]: { balance: 7921, status: 'open' },
        });
        expect(await caseStatus(caseId)).toBe('active');
      } else {
        // The payment came first: October was paid, and a paid item takes no new balance.
        expect(other.status, `round ${round}`).toBe(409);
        expect(sum).toBe(0);
        expect(await caseStatus(caseId)).toBe('stopped');
      }
      expect(rows.filter((r) => (r.payment_id as string).startsWith('mollie:'))).toHaveLength(3);
    }
  });
});
