// A promise to pay recorded in the staff console (issue #15), in a real browser against a running street
// and a real OpenID Connect provider: a viewer's POST is refused (403, nothing stored), a forged POST
// without the CSRF token too, a day beyond the corporation's limit comes back with the error next to the
// date field and nothing stored, another corporation's debtor is not found; an agent records a promise on
// the tenant's dossier and the ERP's feed (promise.made, source console), the audit log (who, when) and
// the debtor page (arrangement section, timeline) show it. Every page is axe-clean and raises no CSP
// violation; the open items fit a 390px screen. UPDATE_SCREENSHOTS=1 writes docs/screenshots/.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { rentReceivable } from '../support/browser.js';
import {
  type ConsoleBrowser,
  type ConsoleCorp,
  staffOf,
  startConsoleBrowser,
} from '../support/console-browser.js';
import { eventually } from '../support/street.js';

const NOORD: ConsoleCorp = {
  id: 'promise-noord',
  host: 'betalen.promise-noord.example',
  apiKey: 'promise-noord-erp-key',
  name: 'Woonstichting Noord',
  colour: '#00695c',
};
const ZUID: ConsoleCorp = {
  id: 'promise-zuid',
  host: 'betalen.promise-zuid.example',
  apiKey: 'promise-zuid-erp-key',
  name: 'Wonen Zuid',
  colour: '#5e35b1',
};

let k: ConsoleBrowser;
const DEBTOR = '/debtors/D-9001';

/** A local date `days` from now (the street's corporations are in Europe/Amsterdam). */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' });

const spaced = (text: string) => text.replace(/\s/g, ' ');
const promises = () =>
  k.s.db.any(sql.unsafe`
    SELECT kind, source, total_minor, status FROM arrangements WHERE corporation = ${NOORD.id}`);
const audited = (action: string) =>
  k.s.db.any(sql.unsafe`
    SELECT actor, role, debtor_id, at FROM console_audit WHERE corporation = ${NOORD.id} AND action = ${action}`);
const promiseEvents = async () => (await k.feed(NOORD)).filter((e) => e.type === 'promise.made');

async function agentOn(width = 1280, height = 800): Promise<{ context: BrowserContext; page: Page }> {
  const context = await k.newContext(width, height);
  const page = await k.newPage(context);
  await k.login(page, NOORD, 'bram', DEBTOR);
  return { context, page };
}

beforeAll(async () => {
  k = await startConsoleBrowser({
    corporations: [NOORD, ZUID],
    users: staffOf(NOORD.id),
  });
  const debtor = {
    id: 'D-9001',
    name: 'Sanne de Vries',
    email: 's.devries@example.org',
    locale: 'nl',
    address: { street: 'Herestraat', houseNumber: '8', postalCode: '9711 LM', city: 'Groningen' },
  };
  // One dossier for the tenant's two rents (the street's rent-dossier flow, scope debtor).
  for (const n of [1, 2]) {
    await k.s.postReceivable(
      NOORD.apiKey,
      rentReceivable(`PN-900${n}`, { debtor, kind: 'rent-dossier', amount: 30000 + n * 100 }),
    );
  }
  await k.s.postReceivable(
    ZUID.apiKey,
    rentReceivable('PZ-8001', { debtor: { ...debtor, id: 'D-8001', email: 'z@example.org' } }),
  );
  await eventually(
    async () => {
      const n = await k.s.db.oneFirst(sql.unsafe`
        SELECT count(*) FROM cases WHERE corporation = ${NOORD.id} AND status IN ('active', 'paused')`);
      return Number(n) > 0 ? true : undefined;
    },
    20_000,
    'a running dossier',
  );
}, 180_000);

afterAll(async () => {
  await k?.stop();
});

describe('refused promises change nothing', () => {
  it("a viewer sees no form and the viewer's POST is 403", async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'anna', DEBTOR);
    expect(await page.locator('form[action*="/promise"]').count()).toBe(0);
    const refused = await k.postWithCookie(context, NOORD, `${DEBTOR}/promise`, {
      _csrf: await k.csrfOf(page),
      target: 'PN-9001',
      date: inDays(3),
    });
    expect(refused.status).toBe(403);
    expect(await promises()).toEqual([]);
    expect(await promiseEvents()).toEqual([]);
    expect((await audited('forbidden')).map((r) => r.actor)).toEqual(['anna']);
    expect(await audited('promise')).toEqual([]);
    await context.close();
  });

  it("refuses a forged POST without the token, and another corporation's debtor is not found", async () => {
    const { context, page } = await agentOn();
    const forged = await k.postWithCookie(context, NOORD, `${DEBTOR}/promise`, {
      target: 'PN-9001',
      date: inDays(3),
    });
    expect(forged.status).toBe(403);
    const foreign = await k.postWithCookie(context, NOORD, '/debtors/D-8001/promise', {
      _csrf: await k.csrfOf(page),
      target: 'PZ-8001',
      date: inDays(3),
    });
    expect(foreign.status).toBe(404);
    expect(await promises()).toEqual([]);
    expect(await promiseEvents()).toEqual([]);
    expect(await audited('promise')).toEqual([]);
    await context.close();
  });

  it('a day beyond the limit comes back with the error next to the date field, nothing stored', async () => {
    const { context, page } = await agentOn(390, 844);
    const form = page.locator('#promise form');
    await form.locator('#promise-target').selectOption('PN-9001');
    // The browser's own check (max) is switched off to show the street's answer.
    await form.evaluate((f) => {
      (f as unknown as { noValidate: boolean }).noValidate = true;
    });
    await form.locator('#promise-date').fill(inDays(40));
    await form.locator('#promise-amount').fill('12,345');
    const answer = page.waitForResponse(
      (r) => r.url().includes('/promise') && r.request().method() === 'POST',
    );
    await form.locator('button[type=submit]').click();
    expect((await answer).status()).toBe(400);
    await page.waitForLoadState();
    const date = page.locator('#promise-date');
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    expect(await date.getAttribute('aria-describedby')).toBe('promise-date-hint promise-date-error');
    expect(await page.locator('#promise-date-error').textContent()).toMatch(
      /^Kies een datum van vandaag tot en met \d{4}-\d\d-\d\d\.$/,
    );
    expect(await page.locator('#promise-amount').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#promise-target').getAttribute('aria-invalid')).toBeNull();
    expect(
      await page.locator('#promise .summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ).toEqual(['#promise-date', '#promise-amount']);
    // What was typed is kept.
    expect(await page.locator('#promise-target').inputValue()).toBe('PN-9001');
    expect(await date.inputValue()).toBe(inDays(40));
    await page.locator('#promise').scrollIntoViewIfNeeded();
    await k.look(context, page, 'console-debtor-promise-error');
    // In English too, and a bad date without the browser's help names the field.
    const en = await k.postWithCookie(context, NOORD, `${DEBTOR}/promise?lang=en`, {
      _csrf: await k.csrfOf(page),
      target: 'PN-9001',
      date: 'tomorrow',
    });
    expect(en.status).toBe(400);
    expect(en.body).toContain('<span class="error" id="promise-date-error">Choose a date from today up to');
    expect(en.body).not.toContain('id="promise-amount-error"');
    expect(await promises()).toEqual([]);
    expect(await promiseEvents()).toEqual([]);
    expect(await audited('promise')).toEqual([]);
    await context.close();
  });
});

describe('an agent', () => {
  it('records a promise on the dossier: the ERP feed, the audit log and the debtor page show it', async () => {
    const { context, page } = await agentOn();
    const form = page.locator('#promise form');
    const options = (await form.locator('#promise-target option').allTextContents()).map(spaced);
    expect(options).toEqual(['Hele dossier (€ 603,00)', 'PN-9001 (€ 301,00)', 'PN-9002 (€ 302,00)']);
    await form.locator('#promise-target').selectOption({ index: 0 });
    const day = inDays(5);
    await form.locator('#promise-date').fill(day);
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/done=promise/);
    expect(await page.locator('[role=status]').textContent()).toBe('Vastgelegd.');

    // The ERP's feed: the same event the tenant's promise page makes, from the console.
    const [made] = await eventually(
      async () => {
        const events = await promiseEvents();
        return events.length > 0 ? events : undefined;
      },
      10_000,
      'promise.made in the feed',
    );
    expect(made!.data).toMatchObject({
      kind: 'promise',
      source: 'console',
      totalCents: 60300,
      terms: [{ dueOn: day, amountCents: 60300 }],
    });
    expect(await promises()).toEqual([
      { kind: 'promise', source: 'console', total_minor: 60300, status: 'running' },
    ]);

    // The debtor page: the arrangement section and the timeline.
    await page.reload();
    const title = await page.locator('h3', { hasText: 'Betaalbelofte' }).textContent();
    expect(title).toMatch(/^Betaalbelofte PN-900\d, afgesproken op \d{4}-\d\d-\d\d \(console\): loopt$/);
    const rows = await page
      .locator('table[aria-label^="Betaalbelofte"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r.map((c) => spaced(c ?? '')))).toEqual([['1', day, '€ 603,00', '€ 0,00']]);
    expect(await page.locator('section:has(h2:text("Tijdlijn")) tbody').textContent()).toContain(
      `Promise to pay recorded (€ 603.00 by ${day}`,
    );
    // The dossier now holds a promise: a second one is refused until it ends.
    expect(await page.locator('#promise-target option').first().textContent()).toContain('regeling loopt al');
    await page.locator('h3', { hasText: 'Betaalbelofte' }).scrollIntoViewIfNeeded();
    await k.look(context, page, 'console-debtor-promise');

    // The audit log: who and when, for the admin.
    const [row] = await audited('promise');
    expect(row).toMatchObject({ actor: 'bram', role: 'agent', debtor_id: 'D-9001' });
    const admin = await k.newContext();
    const adminPage = await k.newPage(admin);
    await k.login(adminPage, NOORD, 'carla', '/audit');
    const line = adminPage.locator('tbody tr', { hasText: 'promise' });
    const cells = await line.first().locator('td').allTextContents();
    expect(cells.slice(1)).toEqual(['Bram Collections', 'agent', 'promise', 'D-9001']);
    expect(cells[0]).toMatch(/\d{4}.*\d\d:\d\d/);
    await admin.close();
    await context.close();
  });

  it('the open items and every other table of the debtor page fit a 390px screen: no column is cut off', async () => {
    const { context, page } = await agentOn(390, 844);
    const table = page.getByRole('table', { name: 'Openstaande posten' });
    expect(await table.getByRole('row').count()).toBe(3);
    expect(await table.getByRole('columnheader').allTextContents()).toEqual([
      'Post',
      'Status',
      'Vervaldatum',
      'Bedrag',
    ]);
    const overflow = await table.evaluate((t) => {
      const box = t.getBoundingClientRect();
      const cells = [...t.querySelectorAll('td')].map((td) => td.getBoundingClientRect().right);
      return { right: box.right, widest: Math.max(...cells), scroll: t.scrollWidth - t.clientWidth };
    });
    expect(overflow.widest).toBeLessThanOrEqual(overflow.right);
    expect(overflow.right).toBeLessThanOrEqual(390);
    expect(overflow.scroll).toBeLessThanOrEqual(0);
    const amount = table.locator('td', { hasText: /301,00/ });
    expect(await amount.isVisible()).toBe(true);
    const box = await amount.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    // Every table of the debtor page (dossiers, messages, payments, arrangements) stacks the same way.
    // Every table of the debtor page (dossiers, messages, payments, arrangements) stacks the same way: no
    // box and no line of text ends past the screen's edge, and the page does not scroll sideways.
    const cut = (await page.evaluate(`(() => {
      const past = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        if (range.getBoundingClientRect().right > 390) past.push('text: ' + n.textContent.trim().slice(0, 60));
      }
      for (const e of document.querySelectorAll('body *'))
        if (e.getBoundingClientRect().right > 390) past.push(e.tagName + ': ' + (e.textContent ?? '').slice(0, 60));
      return past;
    })()`)) as string[];
    expect(cut).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(k.cspViolations).toEqual([]);
    await context.close();
  });
});
