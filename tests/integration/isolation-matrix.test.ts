// Corporations sharing a street cannot reach each other: every route the runtime serves, read from its
// own route table, is called with corporation B's credentials on corporation A's objects (and with A's
// link tokens on B's payment host, B's on A's). Every answer is 404, or 401/403 where the route names no
// object; routes that show the caller's own data show none of A's; and the database does not change.
// A route added later without a case here fails this suite by name.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { signTrackingToken } from '../../runtime/tracking/tracking-token.js';
import { rentReceivable } from '../support/browser.js';
import { eventually } from '../support/street.js';
import { twilioSignature } from '../support/twilio-server.js';
import {
  EMAIL_WEBHOOK_SECRET,
  type HostileStreet,
  quiet,
  type RawRequest,
  type RawResponse,
  sendRaw,
  snapshot,
  startHostileStreet,
  type Tenant,
} from './hostile-street.js';

interface Probe {
  req: RawRequest;
  expect: number[];
  /** The corporation whose data must not appear in the answer (A unless said otherwise). */
  foreign?: Tenant;
  /** More text that must not appear in the answer. */
  absent?: string[];
}

let h: HostileStreet;
let aCursor: string;
/** A dossier (case) of A's, for its evidence file. */
let aCaseId: string;

beforeAll(async () => {
  h = await startHostileStreet();
  const feed = await sendRaw(h.port, {
    method: 'GET',
    path: '/v1/events?limit=1',
    headers: { authorization: `Bearer ${h.a.apiKey}` },
  });
  aCursor = (JSON.parse(feed.body) as { events: { cursor: string }[] }).events[0]!.cursor;
  aCaseId = (await h.db.oneFirst(sql.unsafe`
    SELECT id FROM cases WHERE corporation = ${h.a.corporation} ORDER BY started_at LIMIT 1`)) as string;
});
afterAll(async () => {
  await h?.stop();
});

const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });
const form = (values: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
});

/** A request with B's API key. */
function asB(method: string, path: string, body?: unknown): RawRequest {
  const { body: text, ...type } = body === undefined ? { body: undefined } : json(body);
  return { method, path, headers: { authorization: `Bearer ${h.b.apiKey}`, ...type }, body: text };
}

/** A debtor page request on `host` (undefined: the runtime's own host). */
function onHost(method: string, host: string | undefined, path: string, values?: Record<string, string>) {
  const { body, headers } = values ? form(values) : { body: undefined, headers: {} };
  return { method, path, host, headers: { 'accept-language': 'nl', ...headers }, body };
}

/** Calls that name no object of A's and carry no valid key: 401 on every authenticated route. */
function withoutKey(method: string, path: string, body?: unknown): Probe[] {
  const { body: text, ...type } = body === undefined ? { body: undefined } : json(body);
  const keyHash = createHash('sha256').update(h.a.apiKey).digest('hex');
  return [undefined, `Bearer ${h.a.paymentToken}`, `Bearer ${keyHash}`, `Basic ${h.a.apiKey}`].map(
    (auth) => ({
      req: { method, path, headers: { ...(auth ? { authorization: auth } : {}), ...type }, body: text },
      expect: [401],
    }),
  );
}

/** Twilio's callback signed with `token` (or unsigned) for the URL the runtime checks. */
function twilioCall(path: string, params: Record<string, string>, token?: string): Probe {
  const url = `http://127.0.0.1:${h.port}${path}`;
  const headers: Record<string, string> = token
    ? { 'x-twilio-signature': twilioSignature(token, url, params) }
    : {};
  const { body, headers: type } = form(params);
  return { req: { method: 'POST', path, headers: { ...headers, ...type }, body }, expect: [403] };
}

/** Debtor pages: every combination of a token and a site that belongs to another corporation. */
function pageProbes(method: string, pattern: string): Probe[] {
  const { a, b } = h;
  const fill = (t: Tenant, other: Tenant) =>
    pattern
      .replace(':token', pattern.startsWith('/f/') ? t.contactToken : t.paymentToken)
      .replace(':paymentId', other.pspPaymentId)
      .replace(':file', `${t.paymentToken}.svg`);
  const values = method === 'POST' ? { mobile: '06 8765 4321', email: 'x@example.org' } : undefined;
  const probes: Probe[] = [
    { req: onHost(method, b.host, fill(a, a), values), expect: [404] },
    { req: onHost(method, a.host, fill(b, b), values), expect: [404], foreign: b },
    { req: onHost(method, undefined, fill(a, a), values), expect: [404] },
  ];
  if (pattern.includes(':paymentId')) {
    // B's own link on B's host with A's payment.
    probes.push({ req: onHost(method, b.host, fill(b, a), values), expect: [404] });
  }
  return probes;
}

function devPrefixProbes(method: string, pattern: string): Probe[] {
  const { a, b } = h;
  return pageProbes(method, pattern.replace('/c/:corporation', '')).flatMap((p) => {
    const path = p.req.path;
    const owner = path.includes(a.paymentToken) || path.includes(a.contactToken) ? a : b;
    const other = owner === a ? b : a;
    return [
      { ...p, req: { ...p.req, host: undefined, path: `/c/${other.corporation}${path}` } },
      { ...p, req: { ...p.req, host: other.host, path: `/c/${owner.corporation}${path}` } },
    ];
  });
}

function trackingProbes(kind: 'o' | 'c'): Probe[] {
  const { a } = h;
  const forged = signTrackingToken('not-the-street-secret', {
    messageId: a.emailMessageId,
    kind: kind === 'o' ? 'open' : 'click',
    target: `https://${a.host}/p/${a.paymentToken}`,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  const genuine = kind === 'o' ? a.openToken : a.clickToken;
  const wrongKind = kind === 'o' ? a.clickToken : a.openToken;
  const altered = `${genuine.slice(0, 30)}${genuine[30] === 'A' ? 'B' : 'A'}${genuine.slice(31)}`;
  return [forged, wrongKind, altered].map((token) => ({
    req: onHost('GET', undefined, `/t/${kind}/${token}`),
    expect: [404],
  }));
}

/** The cases, by route as the route table names it. */
function matrix(): Record<string, (method: string) => Probe[]> {
  const { a } = h;
  const open = (path: string) => () => [{ req: asB('GET', path), expect: [200] }];
  const pages = (method: string, pattern: string) =>
    pattern.startsWith('/c/') ? devPrefixProbes(method, pattern) : pageProbes(method, pattern);
  const cases: Record<string, (method: string) => Probe[]> = {
    'GET /healthz': open('/healthz'),
    'GET /readyz': open('/readyz'),
    'GET /metrics': open('/metrics'),
    'GET /openapi.json': open('/openapi.json'),
    'POST /v1/receivables': () => withoutKey('POST', '/v1/receivables', rentReceivable('HB-NOKEY-1')),
    'GET /v1/receivables/:externalId': (m) => [
      { req: asB(m, `/v1/receivables/${a.externalId}`), expect: [404] },
    ],
    'PATCH /v1/receivables/:externalId': (m) => [
      { req: asB(m, `/v1/receivables/${a.externalId}`, { status: 'cancelled' }), expect: [404] },
    ],
    'POST /v1/receivables/:externalId/payments': (m) => [
      {
        req: asB(m, `/v1/receivables/${a.externalId}/payments`, { paymentId: 'HB-steal-1', amount: 62_079 }),
        expect: [404],
      },
    ],
    'GET /v1/receivables/:externalId/messages': (m) => [
      { req: asB(m, `/v1/receivables/${a.externalId}/messages`), expect: [404] },
    ],
    'DELETE /v1/debtors/:debtorId': (m) => [{ req: asB(m, `/v1/debtors/${a.debtorId}`), expect: [404] }],
    'GET /v1/dossiers/:caseId/evidence': (m) => [
      { req: asB(m, `/v1/dossiers/${aCaseId}/evidence`), expect: [404] },
    ],
    'POST /v1/debtors/:debtorId/early-signal-objection': (m) => [
      {
        req: asB(m, `/v1/debtors/${a.debtorId}/early-signal-objection`, {
          objectedAt: '2026-01-01T10:00:00Z',
          how: 'letter',
        }),
        expect: [404],
      },
    ],
    'POST /v1/debtors/:debtorId/contact-attempts': (m) => [
      {
        req: asB(m, `/v1/debtors/${a.debtorId}/contact-attempts`, {
          kind: 'call',
          at: '2026-01-01T10:00:00Z',
        }),
        expect: [404],
      },
    ],
    'GET /v1/debtors/:debtorId': (m) => [{ req: asB(m, `/v1/debtors/${a.debtorId}`), expect: [404] }],
    'PATCH /v1/debtors/:debtorId': (m) => [
      { req: asB(m, `/v1/debtors/${a.debtorId}`, { deceased: { date: '2026-12-01' } }), expect: [404] },
      { req: asB(m, `/v1/debtors/${a.debtorId}`, { optOuts: { set: ['email', 'sms'] } }), expect: [404] },
    ],
    // B's own dead letters: none of A's; A's (or any unknown) dead letter id is a 404, also to re-drive.
    'GET /v1/dead-letters': (m) => [
      { req: asB(m, '/v1/dead-letters'), expect: [200], absent: [a.externalId, 'HA-SMS-1'] },
    ],
    'GET /v1/dead-letters/:id': (m) => [
      { req: asB(m, '/v1/dead-letters/0193a7e0-0000-7000-8000-000000000001'), expect: [404] },
    ],
    'POST /v1/dead-letters/:id/retry': (m) => [
      { req: asB(m, '/v1/dead-letters/0193a7e0-0000-7000-8000-000000000001/retry'), expect: [404] },
    ],
    // Replies and tasks: A's debtor is 404; B's own task list shows nothing of A's; a task B does not own is 404.
    'GET /v1/debtors/:debtorId/replies': (m) => [
      { req: asB(m, `/v1/debtors/${a.debtorId}/replies`), expect: [404] },
    ],
    'GET /v1/tasks': (m) => [
      { req: asB(m, '/v1/tasks'), expect: [200], absent: [a.externalId, a.debtorId] },
      { req: asB(m, '/v1/tasks?status=done'), expect: [200], absent: [a.externalId, a.debtorId] },
    ],
    'PATCH /v1/tasks/:id': (m) => [
      {
        req: asB(m, '/v1/tasks/0193a7e0-0000-7000-8000-000000000001', { status: 'done' }),
        expect: [404],
      },
    ],
    // tests/integration/experiments-report.test.ts asks for another corporation's running experiment.
    'GET /v1/experiments/:name/report': (m) => [
      { req: asB(m, '/v1/experiments/storno-sms-first/report'), expect: [404] },
    ],
    // B's figures only: A's sms-reminder dossiers (a flow only A has) never show, filtered or not.
    'GET /v1/outcomes': (m) => [
      {
        req: asB(m, `/v1/outcomes?from=${new Date(Date.now() - 86_400_000).toISOString()}`),
        expect: [200],
        absent: ['sms-reminder'],
      },
      {
        req: asB(m, `/v1/outcomes?flow=sms-reminder&from=${new Date(Date.now() - 86_400_000).toISOString()}`),
        expect: [200],
        absent: ['"dossiers"', '"messages"'],
      },
    ],
    // B's own history only: none of A's receivables, also over the window that holds them.
    'GET /v1/replay-records': (m) => [
      {
        req: asB(m, `/v1/replay-records?from=${new Date(Date.now() - 86_400_000).toISOString()}`),
        expect: [200],
        absent: [a.externalId, 'sms-reminder'],
      },
    ],
    'GET /v1/debtors/:debtorId/messages': (m) => [
      { req: asB(m, `/v1/debtors/${a.debtorId}/messages`), expect: [404] },
    ],
    'GET /v1/messages/:id/content': (m) =>
      [a.emailMessageId, a.smsMessageId].flatMap((id) => [
        { req: asB(m, `/v1/messages/${id}/content`), expect: [404] },
        { req: asB(m, `/v1/messages/${id}/content?part=html`), expect: [404] },
      ]),
    // The caller's own feed and exports: 200, with nothing of A's, also from A's cursor.
    'GET /v1/events': (m) => [
      { req: asB(m, '/v1/events'), expect: [200], absent: [a.externalId, 'HA-SMS-1'] },
      { req: asB(m, `/v1/events?after=${aCursor}`), expect: [200], absent: [a.externalId, 'HA-SMS-1'] },
    ],
    'GET /v1/forms/meter-readings.csv': (m) => [
      { req: asB(m, '/v1/forms/meter-readings.csv'), expect: [200], absent: ['HA-M-1'] },
    ],
    'GET /v1/forms/contact-updates.csv': (m) => [
      { req: asB(m, '/v1/forms/contact-updates.csv'), expect: [200], absent: [a.externalId] },
    ],
    'POST /v1/forms/meter-readings': (m) => [
      {
        req: asB(m, '/v1/forms/meter-readings', {
          meterNumber: 'HB-M-9',
          reading: 1,
          externalId: a.externalId,
        }),
        expect: [404],
      },
    ],
    // Mollie signs nothing: its webhook only names a payment, whose status is then fetched from Mollie with
    // the owning corporation's key. A known and an unknown id get the same answer, and nothing changes.
    'POST /psp/mollie/webhook': () =>
      [a.providerPaymentId, 'tr_unknown123'].map((id) => ({
        req: { method: 'POST', path: '/psp/mollie/webhook', ...form({ id }) },
        expect: [200],
      })),
    'POST /v1/providers/twilio/status': () => {
      const path = `/v1/providers/twilio/status?m=${a.smsMessageId}`;
      const params = { MessageStatus: 'failed', MessageSid: 'SM0123', ErrorCode: '30003' };
      return [twilioCall(path, params), twilioCall(path, params, 'another-account-auth-token')];
    },
    // An SMS "reply" from A's debtor's number, unsigned or signed with another account's token.
    'POST /v1/providers/twilio/inbound': () => {
      const params = {
        From: '+31612345678',
        Body: 'STOP',
        To: '+3197010203040',
        MessageSid: `SM${'0'.repeat(32)}`,
      };
      return [
        twilioCall('/v1/providers/twilio/inbound', params),
        twilioCall('/v1/providers/twilio/inbound', params, 'another-account-auth-token'),
      ];
    },
    'POST /v1/providers/twilio/voice/gather': () => {
      const path = `/v1/providers/twilio/voice/gather?m=${a.smsMessageId}`;
      return [
        twilioCall(path, { Digits: '1' }),
        twilioCall(path, { Digits: '1' }, 'another-account-auth-token'),
      ];
    },
    'POST /v1/providers/email/bounces': () =>
      [undefined, `${EMAIL_WEBHOOK_SECRET}x`, ''].map((secret) => ({
        req: {
          method: 'POST',
          path: '/v1/providers/email/bounces',
          headers: {
            ...(secret !== undefined ? { 'x-outputstraat-webhook-secret': secret } : {}),
            'content-type': 'application/json',
          },
          body: JSON.stringify({ messageId: a.emailMessageId, type: 'hard-bounce' }),
        },
        expect: [403],
      })),
    // A's email is no registered-email message, and B's provider cannot sign for it: refused alike.
    'POST /v1/providers/registered-email/proof': () =>
      [undefined, 't=1,v1=00', `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`].map(
        (signature) => ({
          req: {
            method: 'POST',
            path: '/v1/providers/registered-email/proof',
            headers: {
              ...(signature !== undefined ? { 'outputstraat-signature': signature } : {}),
              'content-type': 'application/json',
            },
            body: JSON.stringify({
              messageId: a.emailMessageId,
              event: 'delivered',
              proofId: 'RE-STEAL-1',
              at: '2026-12-03T09:15:00Z',
            }),
          },
          expect: [403],
        }),
      ),
    'GET /t/o/*': () => trackingProbes('o'),
    'GET /t/c/*': () => trackingProbes('c'),
  };
  for (const pattern of [
    '/p/:token',
    '/p/:token/terms',
    '/p/:token/return/:paymentId',
    '/f/:token',
    '/q/:file',
  ]) {
    for (const prefix of ['', '/c/:corporation'])
      cases[`GET ${prefix}${pattern}`] = (m) => pages(m, prefix + pattern);
  }
  for (const pattern of [
    '/p/:token/pay',
    '/p/:token/terms',
    '/p/:token/terms/pay',
    '/p/:token/promise',
    '/f/:token',
  ]) {
    for (const prefix of ['', '/c/:corporation'])
      cases[`POST ${prefix}${pattern}`] = (m) => pages(m, prefix + pattern);
  }
  // The staff console: only a console session opens it, never an ERP key. B's key on A's host (and on
  // the runtime's own host, and in the development prefix) is sent to login or finds no console (these
  // corporations declare none): 303 or 404, nothing of A's, nothing changed.
  const consoleRoutes: [string, string][] = [
    ...[
      '',
      '/login',
      '/callback',
      '/logged-out',
      '/debtors/:debtorId',
      '/messages/:id',
      '/messages/:id/part/:part',
      '/audit',
      '/audit.csv',
      '/tasks',
      '/tasks/:id',
      '/overview',
      '/campaigns/meter.csv',
      '/campaigns/contact.csv',
    ].map((p): [string, string] => ['GET', p]),
    ...[
      '/logout',
      ...[
        'notes',
        'opt-out',
        'pause',
        'resume',
        'arrangement',
        'promise',
        'status',
        'resend',
        'meter-reading',
        'contact-update',
      ].map((x) => `/debtors/:debtorId/${x}`),
      ...['assign', 'snooze', 'done'].map((x) => `/tasks/:id/${x}`),
    ].map((p): [string, string] => ['POST', p]),
  ];
  for (const [method, pattern] of consoleRoutes) {
    for (const prefix of ['', '/c/:corporation']) {
      cases[`${method} ${prefix}/console${pattern}`] = (m) => {
        const path = (corporation: string) =>
          `${prefix.replace(':corporation', corporation)}/console${pattern}`
            .replace(':debtorId', a.debtorId)
            .replace(':id', a.emailMessageId)
            .replace(':part', 'html');
        const values = m === 'POST' ? { _csrf: 'forged', body: 'x', channel: 'sms' } : undefined;
        const withKey = (req: RawRequest): RawRequest => ({
          ...req,
          headers: { ...req.headers, authorization: `Bearer ${h.b.apiKey}` },
        });
        return [
          {
            req: withKey(onHost(m, a.host, path(a.corporation).replace(/^\/c\/[^/]+/, ''), values)),
            expect: [303, 404],
          },
          { req: withKey(onHost(m, undefined, path(a.corporation), values)), expect: [303, 404] },
          { req: withKey(onHost(m, h.b.host, path(a.corporation), values)), expect: [303, 404] },
        ];
      };
    }
  }
  return cases;
}

/** The probes of a route; HEAD is asked like the GET fastify derived it from. */
function probesFor(cases: ReturnType<typeof matrix>, method: string, url: string): Probe[] | undefined {
  const build = cases[`${method === 'HEAD' ? 'GET' : method} ${url}`];
  return build?.(method);
}

function leaks(probe: Probe, res: RawResponse): string[] {
  const sent = JSON.stringify(probe.req);
  const foreign = [...(probe.foreign ?? h.a).markers, ...(probe.absent ?? [])];
  return foreign.filter((text) => res.body.includes(text) && !sent.includes(text));
}

describe('isolation matrix: one corporation reaches nothing of another', () => {
  it('every route of the runtime has a case here', () => {
    const cases = matrix();
    const missing = h.pages.street.runtimes[0]!.app.routeTable.filter(
      (r) => !probesFor(cases, r.method, r.url)?.length,
    ).map((r) => `${r.method} ${r.url}`);
    expect(missing, 'routes without an isolation case: add them to matrix()').toEqual([]);
  });

  it("B's key and tokens on A's objects get 404 (401/403 where no object is named), see none of A's data and change nothing", async () => {
    const cases = matrix();
    const routes = h.pages.street.runtimes[0]!.app.routeTable;
    const mollieCreates = h.pages.mollie.creates.length;
    const texts = h.twilio.requests.length;
    const before = await quiet(h.db);
    const failures: string[] = [];
    let calls = 0;
    for (const route of routes) {
      for (const probe of probesFor(cases, route.method, route.url) ?? []) {
        const res = await sendRaw(h.port, probe.req);
        calls++;
        const where = `${route.method} ${route.url}: ${probe.req.method} ${probe.req.path} on ${probe.req.host ?? 'the runtime host'}`;
        if (!probe.expect.includes(res.status))
          failures.push(`${where} answered ${res.status} ${res.body.slice(0, 200)}`);
        const leaked = leaks(probe, res);
        if (leaked.length > 0) failures.push(`${where} shows ${leaked.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(routes.length);
    expect(await snapshot(h.db)).toEqual(before);
    expect(h.pages.mollie.creates.length).toBe(mollieCreates);
    expect(h.twilio.requests.length).toBe(texts);
  });

  it("B posting A's externalId with A's Idempotency-Key gets its own answers, and A's receivable is untouched", async () => {
    const aRows = () =>
      h.db.any(sql.unsafe`
        SELECT r.status, r.balance_minor, r.debtor, (SELECT count(*) FROM events e WHERE e.receivable_id = r.id) AS events,
          (SELECT count(*) FROM payments p WHERE p.receivable_id = r.id) AS payments
        FROM receivables r WHERE r.corporation = ${h.a.corporation} ORDER BY r.external_id`);
    const before = await aRows();
    // The exact request A made (same path, body and key), now with B's key: not A's answer replayed.
    const replay = await sendRaw(h.port, {
      ...asB('POST', `/v1/receivables/${h.a.externalId}/payments`, { paymentId: 'HA-bank-1', amount: 100 }),
      headers: {
        authorization: `Bearer ${h.b.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': 'HA-idem-1',
      },
    });
    expect(replay.status).toBe(404);
    expect(replay.headers['idempotent-replayed']).toBeUndefined();
    const own = await sendRaw(h.port, asB('POST', '/v1/receivables', rentReceivable(h.a.externalId)));
    expect(own.status).toBe(202);
    expect(JSON.parse(own.body)).toMatchObject({ externalId: h.a.externalId, duplicate: false });
    await eventually(
      async () =>
        (await h.db.maybeOneFirst(sql.unsafe`
          SELECT id FROM receivables WHERE corporation = ${h.b.corporation} AND external_id = ${h.a.externalId}`)) ??
        undefined,
      10_000,
      "B's receivable with A's externalId",
    );
    expect(await aRows()).toEqual(before);
  });
});
