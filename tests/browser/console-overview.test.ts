// The console's overviews and paper entry in a real browser (kit: tests/support/console-browser.ts): a
// meter-reading campaign of four tenants in complex C-12, each sent a letter through a real SFTP print
// channel; one tenant submits the reading through the form, an agent enters another from the paper return
// form on the debtor page (same checks, stored with source 'paper', the campaign request ends, audited,
// on the ERP's feed), and contact details with the contact form's checks; the overview shows digital 1 /
// paper 1 / missing 2 and the admin's CSV has the same rows (CSV-injection safe, the export audited, a
// viewer gets 403); the archived PDF letter opens from the console as application/pdf and Chromium draws
// it in its PDF viewer. axe-clean, no CSP violations; screenshots docs/screenshots/console-overview*.png
// with UPDATE_SCREENSHOTS=1.
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import { sql } from '../../platform/db/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import { type ConsoleBrowser, staffOf, startConsoleBrowser } from '../support/console-browser.js';
import { meterCampaign, meterRequest, TENANTS } from '../support/meter-campaign.js';
import { startSftpServer, type TestSftpServer } from '../support/sftp-server.js';
import { eventually, TEST_LINKS } from '../support/street.js';

const NOORD = {
  id: 'overview-noord',
  host: 'betalen.overview-noord.example',
  apiKey: 'overview-noord-erp-key',
  name: 'Woonstichting Noord',
  colour: '#00695c',
};

let k: ConsoleBrowser;

/** The ERP's feed once it holds an event of `type` (an event shows when every earlier transaction ended). */
const feedWith = (type: string, externalId: string | null) =>
  eventually(
    async () => {
      const events = await k.feed(NOORD);
      return events.some((e) => e.type === type && e.externalId === externalId) ? events : undefined;
    },
    10_000,
    `${type} on the feed`,
  );
let sftp: TestSftpServer;
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  sftp = await startSftpServer();
  k = await startConsoleBrowser({
    corporations: [NOORD],
    users: staffOf(NOORD.id),
    resources: { 'overview-campaign.yaml': meterCampaign(NOORD.id, sftp) },
    env: {
      [secretEnvName(NOORD.id, 'print-credentials', 'username')]: sftp.username,
      [secretEnvName(NOORD.id, 'print-credentials', 'password')]: sftp.password,
    },
  });
  for (const t of TENANTS) await k.s.postReceivable(NOORD.apiKey, meterRequest(t));
  await eventually(
    async () => {
      const n = await k.s.db.oneFirst(sql.unsafe`
        SELECT count(*) FROM messages m JOIN message_parts p ON p.message_id = m.id AND p.part = 'pdf'
        WHERE m.corporation = ${NOORD.id} AND m.channel_type = 'letter'`);
      return Number(n) === TENANTS.length ? true : undefined;
    },
    60_000,
    'four archived letters',
  );
}, 240_000);

afterAll(async () => {
  await k?.stop();
  await sftp?.stop();
});

describe('campaign overview with paper meter readings', () => {
  it('a tenant submits a reading through the form (digital)', async () => {
    const id = await k.s.receivableId(NOORD.id, 'MR-1');
    const token = await ensureFormLink(k.s.db, TEST_LINKS, NOORD.id, id, 'meter');
    const context = await k.newContext(390, 844);
    const page = await k.newPage(context);
    await page.goto(`${k.s.hostUrl(NOORD.host)}/f/${token}`);
    await page.fill('#f-reading', '1234');
    await page.click('button[type=submit]');
    await page.waitForURL(/done=1/);
    await context.close();
    expect(
      await k.s.db.oneFirst(sql.unsafe`SELECT source FROM meter_readings WHERE receivable_id = ${id}`),
    ).toBe('tenant');
  });

  it('an agent enters a paper reading on the debtor page: stored as paper, the request ends, audited, on the feed', async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'bram', '/debtors/D-9102');
    const form = page.locator('form[action$="/meter-reading"]');
    await form.locator('#pr-meter').fill('WM-12-3');
    await page.evaluate(`document.getElementById('h-paper-reading').scrollIntoView()`);
    await k.look(context, page, 'console-overview-paper-entry');
    // The same check as the tenant's form: a reading that is not a whole number is refused, naming the field.
    const refused = await k.postWithCookie(context, NOORD, '/debtors/D-9102/meter-reading', {
      _csrf: await k.csrfOf(page),
      externalId: 'MR-3',
      reading: '12,5',
      readOn: today(),
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('reading');
    // Another debtor's request cannot be answered from this page.
    const foreign = await k.postWithCookie(context, NOORD, '/debtors/D-9102/meter-reading', {
      _csrf: await k.csrfOf(page),
      externalId: 'MR-5',
      reading: '100',
      readOn: today(),
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toContain('externalId');
    await form.locator('#pr-reading').fill('2345');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/done=meter-reading/);
    expect(await page.locator('[role=status]').textContent()).toBe('Vastgelegd.');
    await context.close();

    const id = await k.s.receivableId(NOORD.id, 'MR-3');
    expect(
      await k.s.db.one(
        sql.unsafe`SELECT source, reading, meter_number FROM meter_readings WHERE receivable_id = ${id}`,
      ),
    ).toEqual({ source: 'paper', reading: 2345, meter_number: 'WM-12-3' });
    expect(await k.s.db.oneFirst(sql.unsafe`SELECT status FROM receivables WHERE id = ${id}`)).toBe(
      'cancelled',
    );
    await eventually(
      async () =>
        (await k.s.db.oneFirst(sql.unsafe`SELECT status FROM cases WHERE receivable_id = ${id}`)) ===
        'stopped'
          ? true
          : undefined,
      10_000,
      'the campaign dossier stopped',
    );
    expect(
      await k.s.db.anyFirst(sql.unsafe`
        SELECT action FROM console_audit WHERE corporation = ${NOORD.id} AND actor = 'bram' AND debtor_id = 'D-9102'
        ORDER BY id`),
    ).toContain('meter-reading');
    const feed = await feedWith('meter.reading', 'MR-3');
    expect(feed.find((e) => e.type === 'meter.reading' && e.externalId === 'MR-3')?.data).toMatchObject({
      source: 'paper',
      reading: 2345,
    });
    expect(feed.some((e) => e.type === 'receivable.updated' && e.externalId === 'MR-3')).toBe(true);
  });

  it("an agent enters contact details with the contact form's checks: stored as paper, on the feed", async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'bram', '/debtors/D-9103');
    const bad = await k.postWithCookie(context, NOORD, '/debtors/D-9103/contact-update', {
      _csrf: await k.csrfOf(page),
      externalId: '',
      mobile: '020 1234567',
      email: 'c.yilmaz@',
    });
    expect(bad.status).toBe(400);
    for (const field of ['mobile', 'email']) expect(bad.body).toContain(field);
    const form = page.locator('form[action$="/contact-update"]');
    await form.locator('#pc-mobile').fill('06 12345678');
    await form.locator('#pc-email').fill('C.Yilmaz@Example.ORG');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/done=contact-update/);
    await context.close();
    expect(
      await k.s.db.any(sql.unsafe`
        SELECT debtor_id, phone, email, source, receivable_id FROM contact_updates WHERE corporation = ${NOORD.id}`),
    ).toEqual([
      {
        debtor_id: 'D-9103',
        phone: '+31612345678',
        email: 'C.Yilmaz@example.org',
        source: 'paper',
        receivable_id: null,
      },
    ]);
    const feed = await feedWith('contact.updated', null);
    expect(feed.find((e) => e.type === 'contact.updated')?.data).toEqual({
      debtorId: 'D-9103',
      phone: '+31612345678',
      email: 'C.Yilmaz@example.org',
      source: 'paper',
    });
    // No confirmation mail for an entry by staff.
    expect(
      await k.s.db.oneFirst(
        sql.unsafe`SELECT count(*) FROM messages WHERE corporation = ${NOORD.id} AND template = 'contact-confirmation'`,
      ),
    ).toBe(0);
  });

  it('the overview shows digital 1, paper 1, missing 2 for complex C-12, and the CSV the same rows', async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'carla', '/overview');
    const row = page.locator('#campaign-meter tbody tr', { hasText: 'C-12' });
    expect(await row.locator('td').allTextContents()).toEqual(['1', '1', '2', '4']);
    expect(await page.locator('main').textContent()).toContain('meter-reading');
    await k.look(context, page, 'console-overview');

    const csv = await k.getWithCookie(context, NOORD, '/campaigns/meter.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('complex,externalId,debtorId,answer,answeredAt,meterNumber,reading,readOn');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['C-12', 'MR-1', 'D-9101', 'digital'],
      ['C-12', 'MR-5', 'D-9103', 'missing'],
      ['C-12', 'MR-7', "'=9104+1", 'missing'],
      ['C-12', 'MR-3', 'D-9102', 'paper'],
    ]);
    expect(rows[3]!.slice(5)).toEqual(['WM-12-3', '2345', today()]);
    expect(
      await k.s.db.oneFirst(sql.unsafe`
        SELECT detail FROM console_audit WHERE corporation = ${NOORD.id} AND action = 'campaign-export'`),
    ).toEqual({ campaign: 'meter', rows: 4 });
    await context.close();

    // A viewer sees the overview but may not export.
    const viewer = await k.newContext();
    const viewerPage = await k.newPage(viewer);
    await k.login(viewerPage, NOORD, 'anna', '/overview');
    expect(await viewerPage.locator('a[href$="/campaigns/meter.csv"]').count()).toBe(0);
    expect((await k.getWithCookie(viewer, NOORD, '/campaigns/meter.csv')).status).toBe(403);
    // Nor enter a reading: 403, nothing stored.
    const refused = await k.postWithCookie(viewer, NOORD, '/debtors/D-9103/meter-reading', {
      _csrf: await k.csrfOf(viewerPage),
      externalId: 'MR-5',
      meterNumber: 'WM-12-5',
      reading: '100',
      readOn: today(),
    });
    expect(refused.status).toBe(403);
    expect(
      await k.s.db.oneFirst(sql.unsafe`SELECT count(*) FROM meter_readings WHERE external_id = 'MR-5'`),
    ).toBe(0);
    await viewer.close();
  });

  it('the archived PDF letter opens from the console: application/pdf, and it renders', async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'anna', '/debtors/D-9103');
    await page.locator('section:has(h2:text("Berichten")) tbody tr').first().getByRole('link').click();
    await page.waitForURL(/\/console\/messages\//);
    const href = await page.getByRole('link', { name: 'Brief (PDF) openen' }).getAttribute('href');
    expect(href).toMatch(/\/part\/pdf$/);
    const served = page.waitForResponse((r) => r.url().endsWith('/part/pdf'));
    await page.getByRole('link', { name: 'Brief (PDF) openen' }).click();
    const response = await served;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    // Chromium shows it in its PDF viewer: a dark frame until the page is drawn, then a white A4 page
    // with the letter on it (the screenshot is docs/screenshots/console-overview-letter.png).
    await page.waitForURL(/\/part\/pdf$/);
    expect(await page.evaluate('document.contentType')).toBe('application/pdf');
    const white = await eventually(
      async () => {
        const image = PNG.sync.read(await k.shot(page, 'console-overview-letter'));
        let n = 0;
        for (let i = 0; i < image.data.length; i += 4) {
          if (image.data[i]! > 245 && image.data[i + 1]! > 245 && image.data[i + 2]! > 245) n++;
        }
        const share = n / (image.width * image.height);
        return share > 0.25 ? share : undefined;
      },
      20_000,
      'Chromium draws the letter',
    );
    expect(white).toBeLessThan(0.95);
    // The bytes as archived: a PDF.
    const again = await k.getWithCookie(context, NOORD, href!.replace(/^\/console/, ''));
    expect(again.headers['content-type']).toBe('application/pdf');
    expect(again.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await context.close();
  });

  it('raised no Content-Security-Policy violation on any page', () => {
    expect(k.cspViolations).toEqual([]);
  });
});
