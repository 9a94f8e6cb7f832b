// The console's tasks in a real browser against a running street and a real OpenID Connect provider: a
// consultant alert from a flow opens a task; the alert email (read from the SMTP sink) links to it, and
// opening that link lands on the task after login; an agent assigns, snoozes and marks it done, each
// recorded with who and when in the audit log and on the ERP's feed (task.updated, task.closed); a viewer
// sees it but cannot act (403, no change); another corporation's task is not found. Every page axe-clean,
// no Content-Security-Policy violation; screenshots docs/screenshots/console-tasks*.png (UPDATE_SCREENSHOTS=1).
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { freePort, rentReceivable } from '../support/browser.js';
import { type ConsoleBrowser, type ConsoleCorp, startConsoleBrowser } from '../support/console-browser.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { requestPage } from '../support/page-request.js';
import { eventually } from '../support/street.js';

const NOORD: ConsoleCorp = {
  id: 'tasks-noord',
  host: 'betalen.tasks-noord.example',
  apiKey: 'tasks-noord-erp-key',
  name: 'Woonstichting Noord',
  colour: '#00695c',
  extra: `  alerts:
    recipients:
      - { name: Team Huurincasso, email: incasso@tasks-noord.example, actions: [review] }`,
};
const ZUID: ConsoleCorp = {
  id: 'tasks-zuid',
  host: 'betalen.tasks-zuid.example',
  apiKey: 'tasks-zuid-erp-key',
  name: 'Wonen Zuid',
  colour: '#5e35b1',
};

// The base library's alert template (with its layout and partial) and a flow that alerts at once, at any
// hour: no dispatch window, so the test does not depend on the time of day it runs.
const template = (name: string) => readFileSync(`flows/templates/${name}.yaml`, 'utf8');
const ALERT_FLOW = `apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: review-now, namespace: outputstraat-base }
spec:
  trigger: { kinds: [review], classifications: [review] }
  channels: { fallback: [email] }
  steps:
    - id: tell-consultants
      alert: { action: review, note: 'Bel de huurder vandaag nog.' }
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: review-now, namespace: outputstraat-base }
spec:
  priority: 5
  appliesTo: { kinds: [review] }
  rules:
    - { name: review, when: "receivable.kind == 'review'", classification: review, flow: review-now }
`;

const REPLY_DOMAIN = 'replies.tasks-noord.test';

let k: ConsoleBrowser;
let taskId: string;
let link: string;
let replyPort: number;

const taskRow = () =>
  k.s.db.one(sql.unsafe`
    SELECT status, assignee, snoozed_until, closed_by, closed_at, team FROM tasks WHERE id = ${taskId}`);

beforeAll(async () => {
  replyPort = await freePort();
  k = await startConsoleBrowser({
    corporations: [NOORD, ZUID],
    users: [
      { sub: 'anna', name: 'Anna Callcentre', groups: [`${NOORD.id}-callcentre`] },
      { sub: 'bram', name: 'Bram Collections', groups: [`${NOORD.id}-collections`] },
      { sub: 'dirk', name: 'Dirk Collections', groups: [`${NOORD.id}-collections`] },
      { sub: 'zoe', name: 'Zoe Zuid', groups: [`${ZUID.id}-collections`] },
    ],
    resources: {
      'base-templates.yaml': [
        'consultant-alert',
        'alert-action-en',
        'email-layout',
        'payment-link-again-email',
      ]
        .map(template)
        .join('\n---\n'),
      'review-now.yaml': ALERT_FLOW,
      // The base library's reply rules: "al betaald" pauses the dossier and opens a task.
      'replies.yaml': readFileSync('flows/classification/replies.yaml', 'utf8'),
    },
    env: {
      OST_TRACKING_SECRET: 'console-tasks-tracking-secret-0123456789',
      // Email replies reach the runtime's own inbound SMTP endpoint (runtime/replies).
      OST_REPLY_DOMAIN: REPLY_DOMAIN,
      OST_REPLY_SMTP_HOST: '127.0.0.1',
      OST_REPLY_SMTP_PORT: String(replyPort),
    },
  });
  await k.s.postReceivable(
    NOORD.apiKey,
    rentReceivable('TN-9001', {
      kind: 'review',
      debtor: {
        id: 'D-9001',
        name: 'Jan de Vries',
        email: 'j.devries@example.org',
        locale: 'nl',
        address: { street: 'Herestraat', houseNumber: '7', postalCode: '9711 LA', city: 'Groningen' },
      },
    }),
  );
  const alert = await eventually(
    async () => k.s.street.smtp.messages.find((m) => m.raw.includes('incasso@tasks-noord.example')),
    20_000,
    'the consultant alert at the SMTP sink',
  );
  const text = decodeQuotedPrintable(alert.raw);
  const found = /https:\/\/betalen\.tasks-noord\.example\/console\/tasks\/([0-9a-f-]{36})/.exec(text);
  expect(found, 'the alert links to its task in the console').not.toBeNull();
  link = found![0];
  taskId = found![1]!;
}, 180_000);

afterAll(async () => {
  await k?.stop();
});

describe('a consultant alert from a flow', () => {
  it('is a task for the team of the alert, on the feed as task.created', async () => {
    expect(await taskRow()).toMatchObject({ status: 'open', assignee: null, team: 'Team Huurincasso' });
    const created = await eventually(
      async () => (await k.feed(NOORD)).find((e) => e.type === 'task.created' && e.data.task === taskId),
      10_000,
      'task.created on the feed',
    );
    expect(created.data).toMatchObject({ kind: 'alert', status: 'open' });
  });

  it("opens from the alert email's link after login, and shows on the team's work list", async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    // The link names the payment host over https; the test street serves that host over http on loopback.
    const path = new URL(link).pathname;
    await k.login(page, NOORD, 'bram', path.replace(/^\/console/, ''));
    expect(new URL(page.url()).pathname).toBe(`/console/tasks/${taskId}`);
    const main = await page.locator('main').textContent();
    expect(main).toContain('TN-9001');
    expect(main).toContain('Team Huurincasso');
    expect(await page.getByRole('link', { name: /D-9001/ }).count()).toBe(1);
    await k.look(context, page, 'console-tasks-task');
    await page.goto(`${k.consoleUrl(NOORD)}/tasks`);
    expect(await page.locator('main tbody tr').count()).toBe(1);
    await page.selectOption('#team', 'Team Huurincasso');
    await page.click('main form[method=get] button');
    await page.waitForURL(/team=/);
    expect(await page.getByRole('link', { name: /TN-9001/ }).count()).toBe(1);
    await k.look(context, page, 'console-tasks');
    await context.close();
  });
});

describe('a viewer', () => {
  it('sees the task but cannot mark it done: 403, nothing changes', async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'anna', `/tasks/${taskId}`);
    expect(await page.locator(`form[action$="/done"]`).count()).toBe(0);
    const feedBefore = (await k.feed(NOORD)).length;
    const before = await taskRow();
    const refused = await k.postWithCookie(context, NOORD, `/tasks/${taskId}/done`, {
      _csrf: await k.csrfOf(page),
    });
    expect(refused.status).toBe(403);
    expect(await taskRow()).toEqual(before);
    expect((await k.feed(NOORD)).length).toBe(feedBefore);
    const audited = await k.s.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM console_audit WHERE actor = 'anna' AND action = 'forbidden' AND detail->>'task' = ${taskId}`);
    expect(Number(audited)).toBe(1);
    await context.close();
  });
});

describe('an agent', () => {
  it('assigns, snoozes and marks the task done, each audited with who and when and on the feed', async () => {
    // Dirk signed in once, so he can be picked as a colleague.
    const dirk = await k.newContext();
    await k.login(await k.newPage(dirk), NOORD, 'dirk');
    await dirk.close();

    const context = await k.newContext(390, 844);
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'bram', `/tasks/${taskId}`);

    // A forged POST without the session's token changes nothing.
    const forged = await k.postWithCookie(context, NOORD, `/tasks/${taskId}/done`, {});
    expect(forged.status).toBe(403);
    expect((await taskRow()).status).toBe('open');

    await page.selectOption('#colleague', 'dirk');
    await page.click('form:has(#colleague) button');
    await page.waitForURL(/done=assign/);
    expect(await taskRow()).toMatchObject({ status: 'assigned', assignee: 'dirk' });
    expect(await page.locator('main').textContent()).toContain('Dirk Collections');

    const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.fill('#until', inTwoDays);
    await page.click('form:has(#until) button');
    await page.waitForURL(/done=snooze/);
    expect((await taskRow()).status).toBe('snoozed');
    await page.goto(`${k.consoleUrl(NOORD)}/tasks?list=open`);
    expect(await page.getByRole('link', { name: /TN-9001/ }).count()).toBe(0);
    await page.goto(`${k.consoleUrl(NOORD)}/tasks?list=snoozed`);
    await page.getByRole('link', { name: /TN-9001/ }).click();

    await page.click('form[action$="/assign"]:not(:has(select)) button');
    await page.waitForURL(/done=assign/);
    await page.goto(`${k.consoleUrl(NOORD)}/tasks?list=mine`);
    await page.getByRole('link', { name: /TN-9001/ }).click();
    await page.click('form[action$="/done"] button');
    await page.waitForURL(/done=done/);
    await k.look(context, page, 'console-tasks-done');
    expect(await page.locator('main').textContent()).toContain('Bram Collections');

    const row = await taskRow();
    expect(row).toMatchObject({ status: 'done', assignee: 'bram', closed_by: 'bram' });
    expect(Date.now() - new Date(row.closed_at as string).getTime()).toBeLessThan(120_000);
    const audit = await k.s.db.any(sql.unsafe`
      SELECT actor, action, at FROM console_audit
      WHERE corporation = ${NOORD.id} AND detail->>'task' = ${taskId} AND action LIKE 'task-%' ORDER BY id`);
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['bram', 'task-assign'],
      ['bram', 'task-snooze'],
      ['bram', 'task-assign'],
      ['bram', 'task-done'],
    ]);
    const events = await eventually(
      async () => {
        const all = (await k.feed(NOORD)).filter((e) => e.data.task === taskId);
        return all.some((e) => e.type === 'task.closed') ? all : undefined;
      },
      10_000,
      'task.closed on the feed',
    );
    const updates = events.filter((e) => e.type === 'task.updated').map((e) => e.data);
    expect(updates).toEqual([
      expect.objectContaining({ status: 'assigned', assignee: 'dirk', by: 'bram' }),
      expect.objectContaining({ status: 'snoozed', by: 'bram', snoozedUntil: expect.any(String) }),
      expect.objectContaining({ status: 'assigned', assignee: 'bram', by: 'bram' }),
      expect.objectContaining({ status: 'done', by: 'bram' }),
    ]);
    expect(events.find((e) => e.type === 'task.closed')!.data).toMatchObject({ closedBy: 'bram' });
    await page.goto(`${k.consoleUrl(NOORD)}/tasks?list=done`);
    expect(await page.getByRole('link', { name: /TN-9001/ }).count()).toBe(1);
    await context.close();
  });

  it('of another corporation does not find the task (404), and a bad snooze date names the field', async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, ZUID, 'zoe');
    const other = await page.goto(`${k.consoleUrl(ZUID)}/tasks/${taskId}`);
    expect(other?.status()).toBe(404);
    expect(await page.locator('main tbody tr').count()).toBe(0);
    await page.goto(`${k.consoleUrl(ZUID)}/tasks?list=done`);
    expect(await page.getByRole('link', { name: /TN-9001/ }).count()).toBe(0);
    await context.close();

    const noord = await k.newContext();
    const p2 = await k.newPage(noord);
    await k.login(p2, NOORD, 'dirk', '/tasks');
    const res = await k.postWithCookie(noord, NOORD, `/tasks/${taskId}/snooze`, {
      _csrf: await k.csrfOf(p2),
      until: 'gisteren',
    });
    // A done task cannot change; a bad date on it is refused first, naming the field.
    expect(res.status).toBe(400);
    expect(res.body).toContain('until');
    await noord.close();
  });

  it('after login returns only to a path of this console', async () => {
    for (const wanted of ['//evil.example/console/tasks', 'https://evil.example/console/tasks']) {
      const res = await requestPage(
        k.s.port,
        NOORD.host,
        `/console/login?return=${encodeURIComponent(wanted)}`,
      );
      expect(res.status).toBe(303);
      const row = await k.s.db.oneFirst(sql.unsafe`
        SELECT return_to FROM console_logins WHERE corporation = ${NOORD.id} ORDER BY created_at DESC LIMIT 1`);
      expect(row).toBe('/console');
    }
  });
});

describe('the debtor page', () => {
  const statuses = () =>
    k.s.db.one(
      sql.unsafe`SELECT statuses, opt_outs FROM debtors WHERE corporation = ${NOORD.id} AND debtor_id = 'D-9001'`,
    );
  const localDay = (days: number) =>
    new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' });

  it('shows statuses; an agent sets and clears debt assistance the way PATCH /v1/debtors does, on the feed', async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'bram', '/debtors/D-9001');
    await page.selectOption('#da-kind', 'wsnp');
    await page.fill('#da-from', localDay(0));
    await page.fill('#da-until', localDay(180));
    await page.click('form:has(#da-kind) button');
    await page.waitForURL(/done=status/);
    expect(await page.locator('main').textContent()).toContain(
      `Schuldhulpverlening (wsnp) sinds ${localDay(0)} tot ${localDay(180)}`,
    );
    expect((await statuses()).statuses).toEqual({
      debtAssistance: { kind: 'wsnp', from: localDay(0), until: localDay(180) },
    });
    await page.locator('section:has(h2:text("Statussen en afmeldingen"))').scrollIntoViewIfNeeded();
    await k.look(context, page, 'console-tasks-debtor-status');
    await page.selectOption('#clear', 'debtAssistance');
    await page.click('form:has(#clear) button');
    await page.waitForURL(/done=status/);
    expect((await statuses()).statuses).toEqual({});
    const changes = await eventually(
      async () => {
        const all = (await k.feed(NOORD)).filter((e) => e.type === 'debtor.status-changed');
        return all.length === 2 ? all : undefined;
      },
      10_000,
      'two debtor.status-changed events',
    );
    expect(changes.map((e) => e.data)).toEqual([
      expect.objectContaining({ status: 'debtAssistance', set: true, kind: 'wsnp', until: localDay(180) }),
      expect.objectContaining({ status: 'debtAssistance', set: false }),
    ]);
    // A viewer cannot: 403, nothing changes.
    const viewer = await k.newContext();
    const vp = await k.newPage(viewer);
    await k.login(vp, NOORD, 'anna', '/debtors/D-9001');
    expect(await vp.locator('form[action$="/status"]').count()).toBe(0);
    const refused = await k.postWithCookie(viewer, NOORD, '/debtors/D-9001/status', {
      _csrf: await k.csrfOf(vp),
      status: 'deceased',
      date: localDay(0),
    });
    expect(refused.status).toBe(403);
    expect((await statuses()).statuses).toEqual({});
    await viewer.close();
    await context.close();
  });

  it('sends the payment link again through dispatch: not sent while opted out, sent after; a reply joins the timeline', async () => {
    const context = await k.newContext();
    const page = await k.newPage(context);
    await k.login(page, NOORD, 'bram', '/debtors/D-9001');
    const resendSteps = () =>
      k.s.db.anyFirst(sql.unsafe`
        SELECT s.status FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
        WHERE r.external_id = 'TN-9001' AND s.step_id = 'payment-link-again' ORDER BY s.due_at, s.id`);
    const toTenant = () => k.s.street.smtp.messages.filter((m) => m.to.includes('j.devries@example.org'));

    // This street has no SMS channel: refused, naming the field, and nothing is queued.
    const noSms = await k.postWithCookie(context, NOORD, '/debtors/D-9001/resend', {
      _csrf: await k.csrfOf(page),
      caseId: (await page.locator('#resend-case option').first().getAttribute('value'))!,
      channel: 'sms',
    });
    expect(noSms.status).toBe(400);
    expect(noSms.body).toContain('channel');
    expect(await resendSteps()).toEqual([]);

    // Opted out of email: the dispatcher refuses it, and the timeline says so; nothing reaches the sink.
    await page.selectOption('#optout', 'email');
    await page.click('form[action$="/opt-out"] button');
    await page.waitForURL(/done=opt-out/);
    await page.selectOption('#resend-channel', 'email');
    await page.click('form[action$="/resend"] button');
    await page.waitForURL(/done=resend/);
    expect(await page.locator('[role=status]').textContent()).toContain('In de wachtrij gezet');
    await eventually(
      async () => ((await resendSteps())[0] === 'skipped' ? true : undefined),
      20_000,
      'refused',
    );
    await page.reload();
    const timeline = page.locator('section:has(h2:text("Tijdlijn")) tbody');
    expect(await timeline.textContent()).toMatch(/not sent: the debtor opted out of email/);
    expect(toTenant()).toEqual([]);

    // The opt-out cleared (the same code as PATCH /v1/debtors optOuts.clear): the link goes out.
    await page.selectOption('#clear', 'optOut:email');
    await page.click('form:has(#clear) button');
    await page.waitForURL(/done=status/);
    expect((await statuses()).opt_outs).toEqual([]);
    await page.selectOption('#resend-channel', 'email');
    await page.click('form[action$="/resend"] button');
    await page.waitForURL(/done=resend/);
    const mail = await eventually(async () => toTenant()[0], 20_000, 'the payment link at the SMTP sink');
    expect(decodeQuotedPrintable(mail.raw)).toContain(
      'Zoals gevraagd sturen wij u de betaallink nog een keer',
    );
    // The timeline says "sent" once the provider took it (the sink may have it a moment before).
    await eventually(
      async () => ((await resendSteps())[1] === 'sent' ? true : undefined),
      10_000,
      'recorded sent',
    );
    expect(await resendSteps()).toEqual(['skipped', 'sent']);
    await page.reload();
    expect(await timeline.textContent()).toMatch(/payment-link-again-email/);

    // The tenant answers the mail: the reply is in the timeline, and a reply task opens.
    const replyTo = /^Reply-To: (.+)$/m.exec(mail.raw)?.[1]?.trim() ?? '';
    expect(replyTo).toContain(REPLY_DOMAIN);
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: replyPort, secure: false, ignoreTLS: true })
      .sendMail({
        from: 'j.devries@example.org',
        to: replyTo,
        subject: 'Re: betaallink',
        text: 'Ik heb al betaald.',
      });
    await eventually(
      async () =>
        Number(
          await k.s.db.oneFirst(
            sql.unsafe`SELECT count(*) FROM tasks WHERE corporation = ${NOORD.id} AND kind = 'reply'`,
          ),
        ) === 1
          ? true
          : undefined,
      20_000,
      'a reply task',
    );
    await page.reload();
    expect(await page.locator('section:has(h2:text("Antwoorden"))').textContent()).toContain(
      'Ik heb al betaald.',
    );
    expect(await timeline.textContent()).toContain('Ik heb al betaald.');
    await page.locator('section:has(h2:text("Antwoorden"))').scrollIntoViewIfNeeded();
    await k.look(context, page, 'console-tasks-debtor-timeline');
    await page.goto(`${k.consoleUrl(NOORD)}/tasks`);
    expect(await page.locator('main tbody tr').count()).toBe(1);
    // The reply task shows what the tenant wrote.
    await page.getByRole('link', { name: /already-paid/ }).click();
    await page.waitForURL(/\/console\/tasks\//);
    expect(await page.locator('main blockquote').textContent()).toContain('Ik heb al betaald.');
    await k.look(context, page, 'console-tasks-reply');
    await context.close();
  });

  it('raised no Content-Security-Policy violation on any page', () => {
    expect(k.cspViolations).toEqual([]);
  });
});
