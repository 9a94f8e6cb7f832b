// The tenant's side in a real browser: headless Chromium on a phone-sized screen opens the payment link
// under the corporation's own host, pays through the local Mollie-speaking checkout, and the case stops
// before its second reminder; forms validate with messages next to the fields. Every page we serve is
// checked with axe-core (WCAG 2.1 A/AA) and must raise no Content-Security-Policy violation.
// UPDATE_SCREENSHOTS=1 writes the screenshots to docs/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import {
  launchChromium,
  NOORD,
  type PagesStreet,
  phoneContext,
  postDossier,
  rentReceivable,
  startPagesStreet,
  ZUID,
} from '../support/browser.js';
import { formPost, requestPage } from '../support/page-request.js';
import { eventually, TEST_LINKS } from '../support/street.js';

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : join(tmpdir(), 'ost-screenshots');

let s: PagesStreet;
let browser: Browser;
let context: BrowserContext;
const cspViolations: string[] = [];

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core over exactly the HTML the tenant got, loaded into a blank page (no CSP there to block axe). */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const html = (await page.content()).replace(/<meta http-equiv="refresh"[^>]*>/, '');
  const probe = await context.newPage();
  try {
    await probe.setContent(html);
    await probe.addScriptTag({ content: AXE });
    // A string, evaluated in the page: this project compiles without the DOM library.
    return (await probe.evaluate(`axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target })) })))`)) as AxeViolation[];
  } finally {
    await probe.close();
  }
}

/** Screenshot at phone size and an accessibility check of the page as it is now. */
async function look(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
}

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  return page;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  s = await startPagesStreet();
  browser = await launchChromium([NOORD.host, ZUID.host]);
  context = await phoneContext(browser);
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('paying from a reminder on a phone', () => {
  it('opens the link, pays with iDEAL and the second reminder never goes out', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('BR-1001'));
    const token = await s.paymentToken(NOORD.id, 'BR-1001');
    const receivableId = await s.receivableId(NOORD.id, 'BR-1001');
    const messages = () =>
      s.db
        .oneFirst(sql.unsafe`SELECT count(*) FROM messages WHERE receivable_id = ${receivableId}`)
        .then(Number);
    await eventually(async () => (await messages()) === 1 || undefined, 10_000, 'first reminder');

    const page = await newPage();
    const res = await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}`);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Betalen – Woonstichting Noord');
    expect(await page.locator('header').textContent()).toContain('Woonstichting Noord');
    expect(await page.locator('#amount').textContent()).toBe('€ 620,79');
    const details = await page.locator('dl').textContent();
    expect(details).toContain('152800000001001');
    expect(details).toContain('121241001');
    expect(details).toContain('Huur november 2026');
    await look(page, 'payment-page');

    // Keyboard: the pay button is reachable with Tab and shows a visible focus ring.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(`(() => {
      const el = document.activeElement;
      return { text: el.textContent, outline: getComputedStyle(el).outlineStyle };
    })()`);
    expect(focused).toEqual({ text: 'Betaal met iDEAL', outline: 'solid' });

    await page.getByRole('button', { name: 'Betaal met iDEAL' }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    expect(await page.locator('#amount').textContent()).toBe('€ 620.79');
    await page.getByRole('button', { name: 'Paid' }).click();
    await page.waitForURL(/\/return\//);
    expect(await page.locator('h1').textContent()).toBe('Betaling gelukt');
    await look(page, 'payment-success');

    const state = await s.db.one(sql.unsafe`
      SELECT r.status AS receivable, c.status AS case_status, l.closed_at IS NOT NULL AS link_closed
      FROM receivables r JOIN cases c ON c.receivable_id = r.id JOIN links l ON l.receivable_id = r.id
      WHERE r.id = ${receivableId}`);
    expect(state).toEqual({ receivable: 'paid', case_status: 'stopped', link_closed: true });
    await s.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() WHERE case_id IN (SELECT id FROM cases WHERE receivable_id = ${receivableId})
        AND status = 'scheduled'`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await messages()).toBe(1);

    // The same link later: already paid, no second payment possible.
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}`);
    expect(await page.locator('h1').textContent()).toBe('Al betaald');
    expect(await page.getByRole('button', { name: 'Betaal met iDEAL' }).count()).toBe(0);
    await look(page, 'payment-already-paid');
    await page.close();
  });

  it('a cancelled checkout shows the failed page with a retry; unfinished and pending pages follow the status', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('BR-1002'));
    const token = await s.paymentToken(NOORD.id, 'BR-1002');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}`);
    await page.getByRole('button', { name: 'Betaal met iDEAL' }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(/\/return\//);
    expect(await page.locator('h1').textContent()).toBe('Betaling niet gelukt');
    await look(page, 'payment-failed');
    await page.getByRole('button', { name: 'Opnieuw betalen' }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    await page.getByRole('button', { name: 'Back (still open)' }).click();
    await page.waitForURL(/\/return\//);
    expect(await page.locator('h1').textContent()).toBe('Betaling nog niet afgerond');
    await look(page, 'payment-not-finished');
    // The bank has not confirmed yet: the page says so and reloads itself until it has.
    await s.mollie.setStatus([...s.mollie.payments.values()].at(-1)!.id, 'pending', { webhook: false });
    await page.reload();
    expect(await page.locator('h1').textContent()).toBe('Betaling wordt verwerkt');
    await look(page, 'payment-pending');
    await s.mollie.setStatus([...s.mollie.payments.values()].at(-1)!.id, 'paid', { webhook: false });
    await expect
      .poll(() => page.locator('h1').textContent(), { timeout: 10_000, interval: 500 })
      .toBe('Betaling gelukt');
    await page.close();
  });

  it('English, and a light brand colour with dark text', async () => {
    await s.postReceivable(ZUID.apiKey, rentReceivable('BR-2001'));
    const token = await s.paymentToken(ZUID.id, 'BR-2001');
    const page = await newPage();
    await page.goto(`${s.hostUrl(ZUID.host)}/p/${token}?lang=en`);
    expect(await page.locator('h1').textContent()).toBe('Payment');
    expect(await page.locator('#amount').textContent()).toBe('€620.79');
    const colours = await page.evaluate(`(() => {
      const b = getComputedStyle(document.querySelector('.btn'));
      return [b.backgroundColor, b.color];
    })()`);
    expect(colours).toEqual(['rgb(255, 213, 79)', 'rgb(26, 26, 26)']);
    await look(page, 'payment-page-en-light-brand');
    await page.close();
  });

  it('a per-debtor dossier: the page lists the open items with their total, in Dutch and English, and the checkout asks the total', async () => {
    const { token } = await postDossier(s, 'D-BR-DOSSIER');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}`);
    expect(await page.locator('#amount').textContent()).toBe('€ 1.862,37');
    const table = page.getByRole('table', { name: 'Openstaande posten' });
    expect(await table.locator('tbody tr').count()).toBe(3);
    expect(await table.locator('tbody tr').first().textContent()).toContain('Huur september 2026');
    expect(await table.locator('tfoot').textContent()).toBe('Totaal€ 1.862,37');
    await look(page, 'payment-page-dossier');
    await page.goto(`${s.hostUrl(NOORD.host)}/p/${token}?lang=en`);
    expect(await page.getByRole('table', { name: 'Open items' }).locator('tfoot').textContent()).toBe(
      'Total€1,862.37',
    );
    await look(page, 'payment-page-dossier-en');
    await page.getByRole('button', { name: 'Pay with iDEAL' }).click();
    await page.waitForURL(/\/checkout\/tr_/);
    expect(await page.locator('#amount').textContent()).toBe('€ 1862.37');
    await page.close();
  });

  it('a forged token, or a token on another corporation’s host, gets a plain 404 page', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('BR-1003'));
    const token = await s.paymentToken(NOORD.id, 'BR-1003');
    const page = await newPage();
    const forged = await page.goto(`${s.hostUrl(NOORD.host)}/p/Zm9yZ2VkLXRva2VuLXh4eHh4eHh4`);
    expect(forged?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Pagina niet gevonden');
    await look(page, 'not-found');
    const other = await page.goto(`${s.hostUrl(ZUID.host)}/p/${token}`);
    expect(other?.status()).toBe(404);
    expect(await page.content()).not.toContain('Woonstichting Noord');
    await page.close();
  });
});

describe('forms on a phone', () => {
  it('contact data: errors appear next to the fields, then the data is saved and confirmed', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('BR-3001'));
    const id = await s.receivableId(NOORD.id, 'BR-3001');
    const token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, id, 'contact');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/f/${token}`);
    await look(page, 'contact-form');
    await page.getByLabel('Mobiel nummer').fill('12345');
    await page.getByLabel('E-mailadres').fill('iemand@');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#f-mobile-error').textContent()).toContain('Vul een geldig mobiel nummer in');
    expect(await page.locator('#f-email-error').textContent()).toContain('Vul een geldig e-mailadres in');
    expect(await page.getByLabel('Mobiel nummer').getAttribute('aria-invalid')).toBe('true');
    await look(page, 'contact-form-errors');
    await page.getByLabel('Mobiel nummer').fill('06 98765432');
    await page.getByLabel('E-mailadres').fill('k.balogun@example.net');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.waitForURL(/done=1/);
    expect(await page.locator('h1').textContent()).toBe('Bedankt');
    await look(page, 'contact-thanks');
    const row = await s.db.one(
      sql.unsafe`SELECT phone, email FROM contact_updates WHERE receivable_id = ${id}`,
    );
    expect(row).toEqual({ phone: '+31698765432', email: 'k.balogun@example.net' });
    await page.close();
  });

  it('meter reading: an implausible reading is refused with a clear error until the tenant is sure', async () => {
    await s.postReceivable(
      NOORD.apiKey,
      rentReceivable('BR-4001', {
        kind: 'meter-reading',
        amount: 0,
        vars: { meterNumber: 'WM-3300-1200', meterLastReading: 845, meterLastReadingDate: '2025-04-20' },
      }),
    );
    const id = await s.receivableId(NOORD.id, 'BR-4001');
    const token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, id, 'meter');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/f/${token}`);
    expect(await page.locator('dl').textContent()).toContain('WM-3300-1200');
    await look(page, 'meter-form');
    await page.getByLabel('Meterstand', { exact: true }).fill('812');
    await page.getByRole('button', { name: 'Versturen' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#f-reading-error').textContent()).toContain('lager dan de vorige stand (845)');
    await look(page, 'meter-form-implausible');
    await page.getByLabel('Ik weet zeker dat deze stand klopt').check();
    await page.getByRole('button', { name: 'Versturen' }).click();
    await page.waitForURL(/done=1/);
    expect(await page.locator('main').textContent()).toContain('kijkt een medewerker er nog naar');
    await look(page, 'meter-thanks');
    const row = await s.db.one(
      sql.unsafe`SELECT reading, needs_review FROM meter_readings WHERE receivable_id = ${id}`,
    );
    expect(row).toEqual({ reading: 812, needs_review: true });
    await page.close();
  });

  it('a used contact link says the details were received, in Dutch and English, and takes no second submission', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('BR-3002'));
    const id = await s.receivableId(NOORD.id, 'BR-3002');
    const token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, id, 'contact');
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/f/${token}`);
    await page.getByLabel('Mobiel nummer').fill('06 12345678');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.waitForURL(/done=1/);
    await page.goto(`${s.hostUrl(NOORD.host)}/f/${token}`);
    expect(await page.locator('h1').textContent()).toBe('Al ontvangen');
    expect(await page.locator('form').count()).toBe(0);
    await look(page, 'contact-received');
    await page.goto(`${s.hostUrl(NOORD.host)}/f/${token}?lang=en`);
    expect(await page.locator('h1').textContent()).toBe('Already received');
    await look(page, 'contact-received-en');
    expect(
      await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM contact_updates WHERE receivable_id = ${id}`),
    ).toBe(1);
    await page.close();
  });

  it('over the POST limit of a link the tenant sees a clear "please wait" page', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('BR-4002', { kind: 'meter-reading', amount: 0 }));
    const id = await s.receivableId(NOORD.id, 'BR-4002');
    const token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, id, 'meter');
    // The default limit is 10 POSTs per link; use them up with empty submissions (refused, nothing stored).
    for (let i = 0; i < 10; i++) {
      expect((await requestPage(s.port, NOORD.host, `/f/${token}`, formPost({}))).status).toBe(422);
    }
    const page = await newPage();
    await page.goto(`${s.hostUrl(NOORD.host)}/f/${token}`);
    await page.getByLabel('Meternummer').fill('WM-4002');
    await page.getByLabel('Meterstand', { exact: true }).fill('100');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Versturen' }).click(),
    ]);
    expect(answer.status()).toBe(429);
    expect(Number(answer.headers()['retry-after'])).toBeGreaterThan(0);
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Even geduld');
    await look(page, 'too-many-requests');
    expect(
      await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM meter_readings WHERE receivable_id = ${id}`),
    ).toBe(0);
    await page.close();
  });

  it('no page raised a Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
