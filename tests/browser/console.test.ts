// The staff console in a real browser against a running street and a real OpenID Connect provider
// (`oidc-provider` on loopback): a call-centre viewer logs in, finds a tenant by postcode and house
// number, sees the three reminders with their opened/clicked marks (real pixel and click requests),
// opens an archived message and cannot reach another corporation's tenant (404, audited); an agent
// records a 3-term arrangement that the ERP's event feed shows, a viewer cannot; a forged POST without
// the CSRF token is refused; an expired session goes back to login; logout ends the session. Every page
// is checked with axe-core and must raise no Content-Security-Policy violation.
// UPDATE_SCREENSHOTS=1 writes the screenshots to docs/screenshots/.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { type PagesStreet, rentReceivable } from '../support/browser.js';
import {
  type ConsoleBrowser,
  type ConsoleCorp,
  staffOf,
  startConsoleBrowser,
} from '../support/console-browser.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { requestPage } from '../support/page-request.js';
import { eventually } from '../support/street.js';

const NOORD: ConsoleCorp = {
  id: 'console-noord',
  host: 'betalen.console-noord.example',
  apiKey: 'console-noord-erp-key',
  name: 'Woonstichting Noord',
  colour: '#00695c',
};
const ZUID: ConsoleCorp = {
  id: 'console-zuid',
  host: 'betalen.console-zuid.example',
  apiKey: 'console-zuid-erp-key',
  name: 'Wonen Zuid',
  colour: '#5e35b1',
};

// The console browser kit (tests/support/console-browser.ts) and this suite's names for its parts.
let k: ConsoleBrowser;
let s: PagesStreet;
let cspViolations: string[];
const look = (context: BrowserContext, page: Page, name: string) => k.look(context, page, name);
const newContext = (width?: number, height?: number) => k.newContext(width, height);
const newPage = (context: BrowserContext) => k.newPage(context);
const consoleUrl = (c: ConsoleCorp) => k.consoleUrl(c);
const login = (page: Page, c: ConsoleCorp, user: string, path = '') => k.login(page, c, user, path);
const csrfOf = (page: Page) => k.csrfOf(page);
const postWithCookie = (context: BrowserContext, path: string, form: Record<string, string>) =>
  k.postWithCookie(context, NOORD, path, form);
const feedTypes = (c: ConsoleCorp) => k.feed(c);

beforeAll(async () => {
  k = await startConsoleBrowser({
    corporations: [NOORD, ZUID],
    users: [...staffOf(NOORD.id), { sub: 'zoe', name: 'Zoe Zuid', groups: [`${ZUID.id}-collections`] }],
    env: { OST_TRACKING_SECRET: 'console-test-tracking-secret-0123456789' },
  });
  ({ s, cspViolations } = k);

  // Three reminders to one tenant (three rents), each opened and clicked through the real tracking links.
  const debtor = {
    id: 'D-7001',
    name: 'Fatima el Amrani',
    email: 'f.elamrani@example.org',
    phone: '+31612345678',
    locale: 'nl',
    address: { street: 'Oosterstraat', houseNumber: '41', postalCode: '9711 NR', city: 'Groningen' },
  };
  for (const n of [1, 2, 3]) {
    await s.postReceivable(NOORD.apiKey, rentReceivable(`CN-700${n}`, { debtor, amount: 30000 + n * 100 }));
  }
  await s.postReceivable(
    ZUID.apiKey,
    rentReceivable('CZ-8001', {
      debtor: { ...debtor, id: 'D-8001', name: 'Zuid Huurder', email: 'z.huurder@example.org' },
    }),
  );
  const mails = await eventually(
    async () => {
      const to = s.street.smtp.messages.filter((m) => m.raw.includes('f.elamrani@example.org'));
      return to.length === 3 ? to : undefined;
    },
    20_000,
    'three reminders',
  );
  for (const mail of mails) {
    const decoded = decodeQuotedPrintable(mail.raw);
    const pixel = /<img src="[^"]+?(\/t\/o\/[^"]+)"/.exec(decoded)![1]!;
    const click = /href="[^"]+?(\/t\/c\/[^"]+)"/.exec(decoded)![1]!;
    expect((await fetch(`${s.url}${pixel}`)).status).toBe(200);
    expect((await fetch(`${s.url}${click}`, { redirect: 'manual' })).status).toBe(302);
  }
}, 180_000);

afterAll(async () => {
  await k?.stop();
});

describe('a call-centre viewer', () => {
  it('logs in, finds the tenant by postcode and house number, sees three reminders opened and clicked', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await login(page, NOORD, 'anna');
    expect(await page.locator('header').textContent()).toContain('Anna Callcentre');
    await look(context, page, 'console-search');
    await page.fill('#q', '9711nr 41');
    await page.click('main button[type=submit]');
    await page.waitForURL(/q=/);
    await page.getByRole('link', { name: 'Fatima el Amrani' }).click();
    await page.waitForURL(/\/console\/debtors\/D-7001/);
    const rows = page.locator('section:has(h2:text("Berichten")) tbody tr');
    await eventually(async () => ((await rows.count()) === 3 ? true : undefined), 10_000, 'three messages');
    for (let i = 0; i < 3; i++) {
      const marks = await rows.nth(i).locator('.mark').allTextContents();
      expect(marks).toEqual(expect.arrayContaining(['sent', 'opened', 'clicked']));
    }
    expect(await page.locator('main').textContent()).toContain('€ 906,00');
    await look(context, page, 'console-debtor');

    await rows.first().getByRole('link').click();
    await page.waitForURL(/\/console\/messages\//);
    const frame = page.frameLocator('iframe[sandbox]');
    await expect(frame.locator('body').textContent()).resolves.toContain('Betaal');
    await look(context, page, 'console-message');

    // Another corporation's tenant: not by URL, not by search; the attempt is audited.
    const other = await page.goto(`${consoleUrl(NOORD)}/debtors/D-8001`);
    expect(other?.status()).toBe(404);
    await page.goto(`${consoleUrl(NOORD)}?q=${encodeURIComponent('Zuid Huurder')}`);
    expect(await page.locator('main').textContent()).toContain('Niets gevonden');
    const audited = await s.db.any(sql.unsafe`
      SELECT action, debtor_id FROM console_audit WHERE corporation = ${NOORD.id} AND actor = 'anna' ORDER BY id`);
    expect(audited).toEqual(
      expect.arrayContaining([
        { action: 'view', debtor_id: 'D-7001' },
        { action: 'not-found', debtor_id: 'D-8001' },
      ]),
    );
    expect(
      await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM console_audit WHERE corporation = ${ZUID.id}`),
    ).toBe(0);

    // The same viewer cannot record an arrangement: 403 and nothing changes.
    await page.goto(`${consoleUrl(NOORD)}/debtors/D-7001`);
    expect(await page.locator('form[action$="/arrangement"]').count()).toBe(0);
    const before = (await feedTypes(NOORD)).length;
    const refused = await postWithCookie(context, '/debtors/D-7001/arrangement', {
      _csrf: await csrfOf(page),
      externalId: 'CN-7001',
      due1: '2026-12-20',
      amount1: '101',
      due2: '2027-01-20',
      amount2: '100',
      due3: '2027-02-20',
      amount3: '100',
    });
    expect(refused.status).toBe(403);
    expect((await feedTypes(NOORD)).length).toBe(before);
    expect(
      await s.db.oneFirst(sql.unsafe`
      SELECT status FROM receivables WHERE corporation = ${NOORD.id} AND external_id = 'CN-7001'`),
    ).toBe('open');
    await context.close();
  });
});

describe('an agent', () => {
  it('records a 3-term arrangement and the ERP feed shows it', async () => {
    const context = await newContext(390, 844);
    const page = await newPage(context);
    await login(page, NOORD, 'bram', '/debtors/D-7001');
    await look(context, page, 'console-debtor-agent');
    const form = page.locator('form[action$="/arrangement"]');
    await form.locator('select[name=externalId]').selectOption('CN-7001');
    const today = new Date();
    const day = (months: number) => {
      const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + months, 15));
      return d.toISOString().slice(0, 10);
    };
    const first = day(0) < today.toISOString().slice(0, 10) ? 1 : 0;
    const dues = [day(first), day(first + 1), day(first + 2)];
    await form.locator('#due1').fill(dues[0]!);
    await form.locator('#due2').fill(dues[1]!);
    await form.locator('#due3').fill(dues[2]!);
    await form.locator('#amount1').fill('101,00');
    await form.locator('#amount2').fill('100');
    await form.locator('#amount3').fill('100');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/done=arrangement/);
    expect(await page.locator('[role=status]').textContent()).toBe('Vastgelegd.');
    // The feed shows an event once every transaction that began before it ended (docs/erp-api.md).
    const events = await eventually(
      async () => {
        const all = await feedTypes(NOORD);
        return all.some((e) => e.type === 'arrangement.recorded') ? all : undefined;
      },
      10_000,
      'arrangement.recorded in the feed',
    );
    const recorded = events.find((e) => e.type === 'arrangement.recorded');
    expect(recorded).toMatchObject({ externalId: 'CN-7001', data: { totalCents: 30100 } });
    expect((recorded!.data as { terms: unknown[] }).terms).toHaveLength(3);
    expect(events.some((e) => e.type === 'receivable.updated' && e.externalId === 'CN-7001')).toBe(true);
    // The debtor page shows the plan with its three instalments: due date, amount, nothing paid yet.
    const plan = page.locator('h3', { hasText: 'Betalingsregeling CN-7001' });
    expect(await plan.textContent()).toMatch(/afgesproken op \d{4}-\d\d-\d\d \(console\): loopt$/);
    const rows = await page
      .locator('table[aria-label^="Betalingsregeling CN-7001"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.replace(/\s/g, ' '))),
      );
    expect(rows).toEqual([
      ['1', dues[0], '€ 101,00', '€ 0,00'],
      ['2', dues[1], '€ 100,00', '€ 0,00'],
      ['3', dues[2], '€ 100,00', '€ 0,00'],
    ]);
    await look(context, page, 'console-debtor-arrangement');
    await context.close();
  });
});

describe('sessions and CSRF', () => {
  it('refuses a forged POST without the token; an expired session goes to login; logout ends the session', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await login(page, NOORD, 'bram', '/debtors/D-7001');
    const notes = () =>
      s.db
        .oneFirst(sql.unsafe`SELECT count(*) FROM console_notes WHERE corporation = ${NOORD.id}`)
        .then(Number);
    const before = await notes();
    const forged = await postWithCookie(context, '/debtors/D-7001/notes', { body: 'forged' });
    expect(forged.status).toBe(403);
    expect(await notes()).toBe(before);
    const genuine = await postWithCookie(context, '/debtors/D-7001/notes', {
      body: 'Belde terug, betaalt vrijdag',
      _csrf: await csrfOf(page),
    });
    expect(genuine.status).toBe(303);
    expect(await notes()).toBe(before + 1);

    // The ERP's API key opens nothing in the console: without a session it is sent to login.
    const withKey = await requestPage(s.port, NOORD.host, '/console/debtors/D-7001', {
      headers: { authorization: `Bearer ${NOORD.apiKey}` },
    });
    expect(withKey.status).toBe(303);
    expect(withKey.location).toMatch(/^\/console\/login\?/);

    // Noord's session opens nothing on Zuid's console, and Noord's staff cannot sign in there.
    const noordCookie = (await context.cookies()).find((c) => c.name === 'ost-console')!;
    const onZuid = await requestPage(s.port, ZUID.host, '/console', {
      headers: { cookie: `ost-console=${noordCookie.value}` },
    });
    expect(onZuid.status).toBe(303);
    expect(onZuid.location).toMatch(/^\/console\/login/);
    const zuidContext = await newContext();
    const zuidPage = await newPage(zuidContext);
    await zuidPage.goto(consoleUrl(ZUID));
    await zuidPage.waitForURL(/\/interaction\//);
    await zuidPage.selectOption('#user', 'bram');
    const refusedLogin = zuidPage.waitForResponse((r) => r.url().includes('/console/callback'));
    await zuidPage.click('#signin');
    expect((await refusedLogin).status()).toBe(401);
    await zuidContext.close();

    // Idle for longer than idleMinutes: back to login (where the IdP's own session signs bram in again).
    const idle = (await context.cookies()).find((c) => c.name === 'ost-console')!;
    await s.db.query(sql.unsafe`
      UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes' WHERE subject = 'bram'`);
    const expired = await requestPage(s.port, NOORD.host, '/console/debtors/D-7001', {
      headers: { cookie: `ost-console=${idle.value}` },
    });
    expect(expired.status).toBe(303);
    expect(expired.location).toBe(`/console/login?return=${encodeURIComponent('/console/debtors/D-7001')}`);
    const visited: string[] = [];
    page.on('request', (r) => visited.push(new URL(r.url()).pathname));
    await page.goto(`${consoleUrl(NOORD)}/debtors/D-7001`);
    await page.waitForURL((url) => url.pathname === '/console/debtors/D-7001');
    expect(visited).toEqual(expect.arrayContaining(['/console/login', '/auth', '/console/callback']));
    // Past the absolute limit, whatever the use: the same.
    await s.db.query(
      sql.unsafe`UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE subject = 'bram'`,
    );
    const cookie = (await context.cookies()).find((c) => c.name === 'ost-console')!;
    const late = await requestPage(s.port, NOORD.host, '/console', {
      headers: { cookie: `ost-console=${cookie.value}` },
    });
    expect(late.status).toBe(303);
    await s.db.query(
      sql.unsafe`UPDATE console_sessions SET expires_at = now() + interval '1 hour' WHERE subject = 'bram'`,
    );

    // Logout deletes the session: the old cookie is worth nothing afterwards.
    await page.goto(consoleUrl(NOORD));
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await page.waitForURL(/\/console\/logged-out/);
    await look(context, page, 'console-logged-out');
    const replay = await requestPage(s.port, NOORD.host, '/console', {
      headers: { cookie: `ost-console=${cookie.value}` },
    });
    expect(replay.status).toBe(303);
    expect(replay.location).toMatch(/^\/console\/login/);
    expect(
      await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM console_sessions WHERE subject = 'bram'`),
    ).toBe(0);
    await context.close();
  });

  it('hostile input from a signed-in agent is refused naming the field, and nothing is stored', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await login(page, NOORD, 'bram', '/debtors/D-7001');
    const csrf = await csrfOf(page);
    const notes = () =>
      s.db
        .oneFirst(sql.unsafe`SELECT count(*) FROM console_notes WHERE corporation = ${NOORD.id}`)
        .then(Number);
    const before = await notes();
    const control = await postWithCookie(context, '/debtors/D-7001/notes', {
      _csrf: csrf,
      body: 'a\u0000b\u001bc',
    });
    expect(control.status).toBe(400);
    expect(control.body).toContain('OST_ERR_VALIDATION');
    expect(control.body).toContain('body');
    const long = await postWithCookie(context, '/debtors/D-7001/notes', {
      _csrf: csrf,
      body: 'x'.repeat(2001),
    });
    expect(long.status).toBe(400);
    const huge = await postWithCookie(context, '/debtors/D-7001/notes', {
      _csrf: csrf,
      body: 'x'.repeat(20_000),
    });
    expect(huge.status).toBe(413);
    const channel = await postWithCookie(context, '/debtors/D-7001/opt-out', {
      _csrf: csrf,
      channel: "sms'; --",
    });
    expect(channel.status).toBe(400);
    expect(channel.body).toContain('channel');
    const terms = await postWithCookie(context, '/debtors/D-7001/arrangement', {
      _csrf: csrf,
      externalId: 'CN-7003',
      due1: '2020-01-01',
      amount1: '1,00',
      due2: 'morgen',
      amount2: '-5',
      due3: '2099-01-01',
      amount3: '100',
    });
    expect(terms.status).toBe(400);
    for (const field of ['due2', 'amount2']) expect(terms.body).toContain(field);
    const foreignItem = await postWithCookie(context, '/debtors/D-7001/arrangement', {
      _csrf: csrf,
      externalId: 'CZ-8001',
    });
    expect(foreignItem.status).toBe(400);
    expect(foreignItem.body).toContain('externalId');
    expect(await notes()).toBe(before);
    expect(await s.db.oneFirst(sql.unsafe`SELECT opt_outs FROM debtors WHERE debtor_id = 'D-7001'`)).toEqual(
      [],
    );
    // Search: wildcards and quotes are text, an overlong query finds nothing, the page still answers.
    for (const q of ['%', '_%_', "' OR 1=1 --", '\\', 'x'.repeat(500)]) {
      await page.goto(`${consoleUrl(NOORD)}?q=${encodeURIComponent(q)}`);
      expect(await page.locator('main').textContent()).toContain('Niets gevonden');
    }
    // A login started and abandoned is gone ten minutes later, at the next login start.
    await s.db.query(sql.unsafe`
      INSERT INTO console_logins (state_sha256, corporation, code_verifier, nonce, return_to, created_at)
      VALUES ('\\x00', ${NOORD.id}, 'v', 'n', '/console', now() - interval '11 minutes')`);
    // After login, back to a path of this console only, never to another host.
    for (const wanted of ['//evil.example/console', 'https://evil.example/', '/console\\@evil.example']) {
      const res = await requestPage(
        s.port,
        NOORD.host,
        `/console/login?return=${encodeURIComponent(wanted)}`,
      );
      expect(res.status).toBe(303);
      const row = await s.db.oneFirst(sql.unsafe`
        SELECT return_to FROM console_logins WHERE corporation = ${NOORD.id} ORDER BY created_at DESC LIMIT 1`);
      expect(row).toBe('/console');
    }
    expect(
      await s.db.oneFirst(
        sql.unsafe`SELECT count(*) FROM console_logins WHERE created_at < now() - interval '10 minutes'`,
      ),
    ).toBe(0);
    await context.close();
  });

  it('an admin reads the audit log and exports it as CSV', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await login(page, NOORD, 'carla', '/audit');
    expect(await page.locator('main').textContent()).toContain('not-found');
    await look(context, page, 'console-audit');
    const cookie = (await context.cookies()).find((c) => c.name === 'ost-console')!;
    const csv = await requestPage(s.port, NOORD.host, '/console/audit.csv', {
      headers: { cookie: `ost-console=${cookie.value}` },
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toMatch(/^at,actor,actorName,role,action,debtorId\r\n/);
    expect(csv.body).toContain('anna,Anna Callcentre,viewer,view,D-7001');
    await context.close();
  });

  it('raised no Content-Security-Policy violation on any page', () => {
    expect(cspViolations).toEqual([]);
  });
});
