// The street the hostile suites run on (isolation-matrix, hostile-requests): the pages street's two
// corporations with payment hosts (A = pages-noord, B = pages-zuid) and the Mollie-speaking server, plus
// an SMS channel of A's through the Twilio-speaking server, open and click tracking and the email-bounce
// webhook secret. Each corporation gets data of every kind: receivables, email (and for A, SMS) messages,
// payment and form links, an ERP payment, an iDEAL payment, a contact-form and a staff meter reading.
// `sendRaw` speaks plain HTTP/1.1 over keep-alive, so a test can send any Host, or none.
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import { type Database, sql } from '../../platform/db/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import { NOORD, type PagesStreet, rentReceivable, startPagesStreet, ZUID } from '../support/browser.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { eventually, TEST_LINKS } from '../support/street.js';
import { startTwilioServer, type TestTwilioServer } from '../support/twilio-server.js';

export const TRACKING_SECRET = 'hostile-tracking-secret-0123456789';
export const EMAIL_WEBHOOK_SECRET = 'hostile-email-webhook-secret';

const SMS = `
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: sms, namespace: pages-noord }
spec:
  type: sms
  provider: twilio
  credentialsSecretRef: { name: twilio-credentials }
  twilio: { messagingServiceSid: MG0123456789abcdef0123456789abcdef }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: sms-reminder, namespace: pages-noord }
spec:
  channel: sms
  locales:
    nl: { sms: 'Betaal {{money receivable.balance receivable.currency}}: {{paymentLink}}' }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: sms-reminder, namespace: pages-noord }
spec:
  trigger: { kinds: [sms-rent] }
  channels: { fallback: [sms] }
  steps:
    - { id: text, send: { template: sms-reminder, channel: sms } }
    - { id: pause, wait: { for: 30d } }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: sms-rent, namespace: pages-noord }
spec:
  priority: 5
  appliesTo: { kinds: [sms-rent] }
  rules:
    - { name: sms-rent, when: "receivable.kind == 'sms-rent'", classification: sms-rent, flow: sms-reminder }
`;

export interface Tenant {
  corporation: string;
  host: string;
  apiKey: string;
  /** The email receivable, and the body it was posted with. */
  externalId: string;
  receivable: Record<string, unknown>;
  debtorId: string;
  /** The debtor's email address. */
  email: string;
  paymentToken: string;
  contactToken: string;
  /** Our id of the iDEAL payment started on the payment page, and Mollie's. */
  pspPaymentId: string;
  providerPaymentId: string;
  emailMessageId: string;
  /** Text of this corporation's that must never appear in an answer to anyone else. */
  markers: string[];
}

export interface HostileStreet {
  pages: PagesStreet;
  twilio: TestTwilioServer;
  db: Database;
  port: number;
  a: Tenant & { smsMessageId: string; openToken: string; clickToken: string };
  b: Tenant;
  stop(): Promise<void>;
}

/** What the hostile driver's generators need of the street. */
export type HostileContext = Pick<HostileStreet, 'a' | 'b' | 'port'>;

export interface RawRequest {
  method: string;
  path: string;
  /** The Host header; undefined: the runtime's own address, null: no Host header at all. */
  host?: string | null;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export function sendRaw(port: number, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.host !== null) headers.host = r.host ?? `127.0.0.1:${port}`;
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    const req = request(
      { host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * Bytes that may not be HTTP at all, on a fresh connection: what comes back (status 0 when the runtime
 * closed the connection without an answer).
 */
export function sendRawBytes(port: number, bytes: string): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      const body = Buffer.from(rest.join('\r\n\r\n'), 'latin1').toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body });
    });
    socket.end(Buffer.from(bytes, 'latin1'));
  });
}

/**
 * Row count and a checksum of the content of every table but two kinds: gauge_samples, the sampler's
 * periodic copy of counts over the other tables (cases, steps) refreshed on its own clock, whose sources
 * are compared; and rate-limit bookkeeping (a table named *rate_limit*, should requests ever be counted
 * in the database), which records that a request came, not anything it asked for.
 */
export async function snapshot(db: Database): Promise<Record<string, { rows: number; sum: string }>> {
  const tables = await db.anyFirst(sql.unsafe`
    SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'gauge_samples'
      AND tablename NOT LIKE '%rate\_limit%'
    ORDER BY tablename`);
  // One statement, so the tables are read in one snapshot and one round trip.
  const parts = (tables as string[]).map(
    (table) => sql.fragment`SELECT ${table}::text AS name, count(*)::int AS rows,
      md5(coalesce(string_agg(md5(t::text), ',' ORDER BY md5(t::text)), '')) AS sum FROM ${sql.identifier([table])} t`,
  );
  const rows = await db.any(sql.unsafe`${sql.join(parts, sql.fragment` UNION ALL `)}`);
  return Object.fromEntries(
    rows.map((r) => [r.name as string, { rows: r.rows as number, sum: r.sum as string }]),
  );
}

/** Waits until nothing changes in the database for a while (sends done, timers far away). */
export async function quiet(db: Database): Promise<Record<string, { rows: number; sum: string }>> {
  let last = JSON.stringify(await snapshot(db));
  return eventually(
    async () => {
      await new Promise((r) => setTimeout(r, 400));
      const now = await snapshot(db);
      const same = JSON.stringify(now) === last;
      last = JSON.stringify(now);
      return same ? now : undefined;
    },
    20_000,
    'a quiet street',
  );
}

const form = (values: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
});

async function tenant(s: PagesStreet, c: typeof NOORD, prefix: string, name: string): Promise<Tenant> {
  const externalId = `${prefix}-1`;
  const debtorId = `${prefix}-DEBTOR-7`;
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`;
  const description = `Huur ${name} januari`;
  const receivable = rentReceivable(externalId, {
    description,
    debtor: { id: debtorId, name, email, locale: 'nl', preferredChannel: 'email' },
  });
  await s.postReceivable(c.apiKey, receivable);
  const paymentToken = await s.paymentToken(c.id, externalId);
  const receivableId = await s.receivableId(c.id, externalId);
  const emailMessageId = (await s.db.oneFirst(sql.unsafe`
    SELECT id FROM messages WHERE receivable_id = ${receivableId} ORDER BY created_at LIMIT 1`)) as string;
  const host = `${c.host}:${s.port}`;
  const api = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    sendRaw(s.port, {
      method: 'POST',
      path,
      headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const paid = await api(
    `/v1/receivables/${externalId}/payments`,
    { paymentId: `${prefix}-bank-1`, amount: 100 },
    { 'idempotency-key': `${prefix}-idem-1` },
  );
  if (paid.status !== 200) throw new Error(`ERP payment: ${paid.status} ${paid.body}`);
  const staff = await api('/v1/forms/meter-readings', {
    meterNumber: `${prefix}-M-1`,
    reading: 1234,
    address: `${name}straat 1, 1234 AB Ergens`,
  });
  if (staff.status !== 201) throw new Error(`staff reading: ${staff.status} ${staff.body}`);
  const creates = s.mollie.creates.length;
  const pay = await sendRaw(s.port, { method: 'POST', path: `/p/${paymentToken}/pay`, host, ...form({}) });
  if (pay.status !== 303 || s.mollie.creates.length !== creates + 1) throw new Error(`iDEAL: ${pay.status}`);
  const pspPaymentId = (s.mollie.creates.at(-1)!.body.metadata as { paymentId: string }).paymentId;
  const providerPaymentId = [...s.mollie.payments.values()].at(-1)!.id;
  const contactToken = await ensureFormLink(s.db, TEST_LINKS, c.id, receivableId, 'contact');
  const contact = await sendRaw(s.port, {
    method: 'POST',
    path: `/f/${contactToken}`,
    host,
    ...form({ mobile: '06 1234 5678', email }),
  });
  if (contact.status !== 303) throw new Error(`contact form: ${contact.status}`);
  return {
    corporation: c.id,
    host,
    apiKey: c.apiKey,
    externalId,
    receivable,
    debtorId,
    email,
    paymentToken,
    contactToken,
    pspPaymentId,
    providerPaymentId,
    emailMessageId,
    markers: [name, email, description, debtorId, paymentToken, contactToken, pspPaymentId, emailMessageId],
  };
}

export async function startHostileStreet(): Promise<HostileStreet> {
  const twilio = await startTwilioServer();
  const pages = await startPagesStreet({
    resources: { 'noord-sms.yaml': SMS },
    env: {
      OST_TRACKING_SECRET: TRACKING_SECRET,
      OST_EMAIL_WEBHOOK_SECRET: EMAIL_WEBHOOK_SECRET,
      OST_TWILIO_API_BASE: twilio.url,
      [secretEnvName('pages-noord', 'twilio-credentials', 'accountSid')]: twilio.accountSid,
      [secretEnvName('pages-noord', 'twilio-credentials', 'authToken')]: twilio.authToken,
      // The suites send thousands of requests with one key; the limit is tested in erp-api-http.
      OST_RATE_LIMIT_PER_SECOND: '1000000',
      // The same for the pages' POST limits per link and per address (tested in pages-reuse-and-limits).
      OST_PAGE_POSTS_PER_TOKEN: '1000000/60',
      OST_PAGE_POSTS_PER_ADDRESS: '1000000/60',
    },
  });
  try {
    const a = await tenant(pages, NOORD, 'HA', 'Annelies Aalders');
    const b = await tenant(pages, ZUID, 'HB', 'Bartholomeus Bakker');
    await pages.postReceivable(
      NOORD.apiKey,
      rentReceivable('HA-SMS-1', {
        kind: 'sms-rent',
        debtor: { id: 'HA-DEBTOR-8', name: 'Annelies Aalders', phone: '+31612345678', locale: 'nl' },
      }),
    );
    const smsMessageId = (await eventually(
      async () =>
        (await pages.db.maybeOneFirst(sql.unsafe`
          SELECT m.id FROM messages m JOIN receivables r ON r.id = m.receivable_id
          WHERE r.external_id = 'HA-SMS-1' AND m.status = 'sent'`)) ?? undefined,
      15_000,
      "A's SMS",
    )) as string;
    const sent = pages.street.smtp.messages.find((m) => m.to.includes(a.email) && m.raw.includes('/t/'));
    const mail = sent && decodeQuotedPrintable(sent.raw);
    const openToken = /\/t\/o\/([A-Za-z0-9_-]+)/.exec(mail ?? '')?.[1];
    const clickToken = /\/t\/c\/([A-Za-z0-9_-]+)/.exec(mail ?? '')?.[1];
    if (!openToken || !clickToken) throw new Error("A's email carries no tracking links");
    return {
      pages,
      twilio,
      db: pages.db,
      port: pages.port,
      a: { ...a, smsMessageId, openToken, clickToken, markers: [...a.markers, smsMessageId] },
      b,
      async stop() {
        await pages.stop();
        await twilio.stop();
        agent.destroy();
      },
    };
  } catch (err) {
    await pages.stop();
    await twilio.stop();
    throw err;
  }
}
