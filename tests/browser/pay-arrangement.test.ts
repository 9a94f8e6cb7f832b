// A tenant's own payment arrangement in a real browser (docs/pages.md "Pay in instalments"; issue 14):
// headless Chromium opens the payment link, chooses "pay in instalments" within the corporation's limits,
// pays the first instalment through the local Mollie-speaking checkout and misses the second: after the
// grace the flow resumes and a consultant alert says the plan lapsed. A second tenant pays every
// instalment and the dossier closes; a third promises a date. Every page is axe-clean and raises no CSP
// violation; hostile choices are a 4xx and change nothing. UPDATE_SCREENSHOTS=1 writes
// docs/screenshots/pay-arrangement*.png (1280×800 and 390×844).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import {
  axeViolations,
  launchChromium,
  NOORD,
  type PagesStreet,
  rentReceivable,
  startPagesStreet,
  ZUID,
} from '../support/browser.js';
import { formPost, requestPage } from '../support/page-request.js';
import { eventually } from '../support/street.js';

const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : join(tmpdir(), 'ost-screenshots');
const DAY = 24 * 3600_000;

const FLOW = `
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: terms-reminders, namespace: outputstraat-base }
spec:
  description: A reminder now and another a day later; a lapsed arrangement resumes with a call.
  trigger: { kinds: [rent-terms] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: first, send: { template: reminder, channel: email } }
    - { id: pause, wait: { for: 1d } }
    - { id: second, send: { template: reminder, channel: email } }
  reactions:
    - { event: paid, then: stop }
    - { event: arrangementBroken, then: alert, action: call }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: rent-terms, namespace: outputstraat-base }
spec:
  priority: 5
  appliesTo: { kinds: [rent-terms] }
  rules: []
  default: { classification: rent-terms, flow: terms-reminders }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: consultant-alert, namespace: outputstraat-base }
spec:
  channel: email
  description: Alert to the consultants.
  locales:
    nl:
      subject: '[{{alert.actionLabel}}] {{receivable.externalId}}'
      text: '{{alert.actionLabel}}: {{alert.note}} ({{receivable.externalId}}, nog open {{money receivable.balance receivable.currency}})'
`;

const NOORD_SPEC = `  alerts:
    recipients:
      - { name: Team Incasso, email: incasso@pages-noord.example }
  collections:
    arrangements:
      graceDays: 5
      tenant: { maxTerms: 6, minTermCents: 10000, allowedClassifications: [rent-terms] }
    promises: { maxDaysAhead: 14, graceDays: 2, tenant: true }
`;

let s: PagesStreet;
let browser: Browser;
let context: BrowserContext;
let offset = 0;
const cspViolations: string[] = [];

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  return page;
}

/** axe-clean; with a name, screenshots at 1280×800 and 390×844. */
async function look(page: Page, name?: string): Promise<void> {
  if (name) {
    for (const [suffix, width, height] of [
      ['', 1280, 800],
      ['-phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(SHOTS, `${name}${suffix}.png`), fullPage: true });
    }
  }
  expect(await axeViolations(context, page), `axe on ${page.url()}`).toEqual([]);
}

async function postTenant(externalId: string): Promise<{ token: string; receivableId: string }> {
  await s.postReceivable(NOORD.apiKey, rentReceivable(externalId, { kind: 'rent-terms' }));
  const token = await s.paymentToken(NOORD.id, externalId);
  const receivableId = await s.receivableId(NOORD.id, externalId);
  return { token, receivableId };
}

/** The Mollie-speaking checkout: press Paid and come back to our return page. */
async function payAtCheckout(page: Page, amount: string): Promise<void> {
  await page.waitForURL(/\/checkout\/tr_/);
  expect(await page.locator('#amount').textContent()).toBe(amount);
  await page.getByRole('button', { name: 'Paid' }).click();
  await page.waitForURL(/\/return\//);
  expect(await page.locator('h1').textContent()).toBe('Betaling gelukt');
}

const feed = async (receivableId: string) =>
  (await s.db.anyFirst(sql.unsafe`
    SELECT type FROM events WHERE receivable_id = ${receivableId} ORDER BY seq`)) as string[];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  s = await startPagesStreet({
    resources: { 'terms-flow.yaml': FLOW },
    noordSpec: NOORD_SPEC,
    clock: () => new Date(Date.now() + offset),
  });
  browser = await launchChromium([NOORD.host, ZUID.host]);
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'nl-NL',
    ignoreHTTPSErrors: true,
  });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('paying in instalments on the payment page', () => {
  it('a tenant pays both instalments of a plan and the dossier closes', async () => {
    const { token, receivableId } = await postTenant('BR-T-2001');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}`);
    await page.getByRole('link', { name: /Betaal in termijnen/ }).click();
    await page.getByLabel('2 termijnen: eerst € 310,40, daarna € 310,39').check();
    await page.getByRole('button', { name: 'Kies en betaal de eerste termijn' }).click();
    await payAtCheckout(page, '€ 310.40');

    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}/terms`);
    expect(await page.locator('#terms').textContent()).toContain('€ 310,40: betaald');
    await look(page);
    await page.getByRole('button', { name: 'Betaal termijn 2: € 310,39' }).click();
    await payAtCheckout(page, '€ 310.39');

    const state = await s.db.one(sql.unsafe`
      SELECT r.status AS receivable, c.status AS dossier, a.status AS plan, a.source
      FROM receivables r JOIN cases c ON c.receivable_id = r.id JOIN arrangements a ON a.case_id = c.id
      WHERE r.id = ${receivableId}`);
    expect(state).toEqual({ receivable: 'paid', dossier: 'stopped', plan: 'completed', source: 'tenant' });
    expect(await feed(receivableId)).toEqual(
      expect.arrayContaining(['arrangement.started', 'arrangement.completed', 'receivable.paid']),
    );
    await page.close();
  });

  it('hostile choices are refused and change nothing', async () => {
    const { token, receivableId } = await postTenant('BR-T-2002');
    for (const terms of ['9', '1', 'x'.repeat(200)]) {
      const res = await requestPage(s.port, NOORD.host, `/p/${token}/terms`, formPost({ terms }));
      expect(res.status, `terms=${terms}`).toBe(400);
      expect(res.body).toContain('Kies een van de termijnen hieronder.');
    }
    for (const date of ['2020-01-01', '2999-01-01']) {
      const res = await requestPage(s.port, NOORD.host, `/p/${token}/promise`, formPost({ date }));
      expect(res.status, `date=${date}`).toBe(400);
    }
    // Another corporation's host, a made-up token: the plain 404.
    expect((await requestPage(s.port, ZUID.host, `/p/${token}/terms`, formPost({ terms: '3' }))).status).toBe(
      404,
    );
    expect(
      (await requestPage(s.port, NOORD.host, `/p/${'A'.repeat(43)}/terms`, formPost({ terms: '3' }))).status,
    ).toBe(404);
    expect(await feed(receivableId)).not.toContain('arrangement.started');
    const paused = await s.db.oneFirst(
      sql.unsafe`SELECT count(*) FROM cases WHERE receivable_id = ${receivableId} AND status = 'paused'`,
    );
    expect(Number(paused)).toBe(0);
  });

  it("the dates a tenant may promise follow the runtime's clock, not the machine's", async () => {
    const { token, receivableId } = await postTenant('BR-T-2005');
    // Its flow's next step is a day away: put it beyond the ten days, so the dossier stays as it is.
    await eventually(
      async () =>
        (
          await s.db.query(sql.unsafe`
            UPDATE steps SET due_at = now() + interval '60 days' FROM cases c
            WHERE steps.case_id = c.id AND c.receivable_id = ${receivableId} AND steps.status = 'scheduled'`)
        ).rowCount > 0 || undefined,
      10_000,
      'the dossier waiting for its next step',
    );
    const page = await newPage();
    const amsterdamDay = (ms: number) =>
      new Date(ms).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
    // Ten days ahead of the machine: from the runtime's today to 14 days (maxDaysAhead) after it.
    offset += 10 * DAY;
    try {
      await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}/terms`);
      const range = [
        await page.locator('#f-promise').getAttribute('min'),
        await page.locator('#f-promise').getAttribute('max'),
      ];
      expect(range).toEqual([
        amsterdamDay(Date.now() + offset),
        amsterdamDay(Date.now() + offset + 14 * DAY),
      ]);
    } finally {
      offset -= 10 * DAY;
      await page.close();
    }
  });

  it('a tenant promises a payment date: the dossier waits', async () => {
    const { token, receivableId } = await postTenant('BR-T-2003');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}/terms`);
    const max = await page.locator('#f-promise').getAttribute('max');
    await page.locator('#f-promise').fill(max!);
    await page.getByRole('button', { name: 'Betaaldatum doorgeven' }).click();
    expect(await page.locator('h1').textContent()).toBe('Betaaldatum ontvangen');
    await look(page, 'pay-promise');
    expect(await feed(receivableId)).toContain('promise.made');
    const c = await s.db.oneFirst(sql.unsafe`SELECT status FROM cases WHERE receivable_id = ${receivableId}`);
    expect(c).toBe('paused');
    await page.close();
  });

  it('a tenant sets up 3 instalments, pays the first, misses the second: the flow resumes and a consultant hears the plan lapsed', async () => {
    const { token, receivableId } = await postTenant('BR-T-2004');
    const messages = () =>
      s.db
        .oneFirst(sql.unsafe`
        SELECT count(*) FROM messages m JOIN steps st ON st.id = m.step_row_id
        WHERE m.receivable_id = ${receivableId} AND st.kind = 'send'`)
        .then(Number);
    await eventually(async () => (await messages()) === 1 || undefined, 10_000, 'first reminder');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}`);
    await look(page);
    await page.getByRole('link', { name: /Betaal in termijnen/ }).click();
    expect(await page.locator('h1').textContent()).toBe('Betalen in termijnen');
    await look(page, 'pay-arrangement');
    await page.getByLabel('3 termijnen van € 206,93').check();
    await page.getByRole('button', { name: 'Kies en betaal de eerste termijn' }).click();
    await payAtCheckout(page, '€ 206.93');
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}/terms`);
    expect(await page.locator('#terms').textContent()).toContain('€ 206,93: open');
    await look(page, 'pay-arrangement-plan');
    // In English too.
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}/terms?lang=en`);
    expect(await page.locator('h1').textContent()).toBe('Your payment plan');
    await look(page);
    await page.close();

    const dossier = () =>
      s.db.one(sql.unsafe`SELECT id, status, timeline FROM cases WHERE receivable_id = ${receivableId}`);
    expect((await dossier()).status).toBe('paused');
    // The second instalment is due in a month; its 5 days' grace pass; the plan lapses.
    offset += 38 * DAY;
    await eventually(
      async () => ((await feed(receivableId)).includes('arrangement.broken') ? true : undefined),
      20_000,
      'arrangement.broken on the feed',
    );
    await eventually(
      async () => (await messages()) === 2 || undefined,
      20_000,
      'the second reminder after the lapse',
    );
    const alert = await eventually(
      async () =>
        (await s.db.maybeOne(sql.unsafe`
          SELECT st.payload FROM steps st JOIN cases c ON c.id = st.case_id
          WHERE c.receivable_id = ${receivableId} AND st.kind = 'alert' AND st.status = 'sent'`)) ??
        undefined,
      20_000,
      'the consultant alert',
    );
    expect(alert.payload).toMatchObject({ action: 'call', note: 'payment arrangement lapsed' });
    const mail = s.street.smtp.messages.find((m) => m.to.includes('incasso@pages-noord.example'));
    expect(mail?.raw.replace(/=\r?\n/g, '')).toContain('payment arrangement lapsed');
    const d = await dossier();
    expect(d.status).toBe('completed');
    expect(JSON.stringify(d.timeline)).toContain('Payment arrangement lapsed: instalment 2 of 3');
    expect(cspViolations).toEqual([]);
  });
});
