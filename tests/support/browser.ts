// What the page suites need: headless Chromium (Debian's package, driven by playwright-core) that
// resolves the corporations' payment hosts to the loopback runtime, and a street with two fictional
// corporations, a two-step reminder flow with a wait in between, and the local Mollie-speaking server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import { freePort } from './free-port.js';
import { type MollieServer, startMollieServer, trustLocalMollie } from './mollie-server.js';
import { eventually, startStreet, TEST_LINKS, type TestStreet } from './street.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const NOORD = {
  id: 'pages-noord',
  host: 'betalen.pages-noord.example',
  apiKey: 'pages-noord-erp-key',
  mollieKey: 'test_pagesnoordAAAAAAAAAAAAAAAAAAAAA',
};
export const ZUID = {
  id: 'pages-zuid',
  host: 'betalen.pages-zuid.example',
  apiKey: 'pages-zuid-erp-key',
  mollieKey: 'test_pageszuidBBBBBBBBBBBBBBBBBBBBBBB',
};
/** A corporation without a payment host: its links live on the runtime's own URL. */
export const WEST = { id: 'pages-west', apiKey: 'pages-west-erp-key' };

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--lang=nl-NL',
];

/** Chromium with a fresh profile (playwright makes a new user-data-dir per launch), hosts mapped to loopback. */
export async function launchChromium(hosts: string[]): Promise<Browser> {
  const rules = hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(rules ? [`--host-resolver-rules=${rules}`] : [])],
  });
}

/** A phone-sized context (390×844), Dutch unless told otherwise; the PSP's test certificate is self-signed. */
export function phoneContext(browser: Browser, locale = 'nl-NL', extra: { bypassCSP?: boolean } = {}) {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
    ignoreHTTPSErrors: true,
    ...extra,
  }) as Promise<BrowserContext>;
}

const corporation = (c: { id: string; host?: string }, name: string, colour: string, extra = '') => `
apiVersion: v1
kind: Namespace
metadata: { name: ${c.id} }
---
apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: ${c.id}, namespace: ${c.id} }
spec:
  displayName: ${name}
  base: outputstraat-base
  locale: nl
  timezone: Europe/Amsterdam
  branding: { primaryColor: '${colour}' }
  contact:
    phone: 050 123 45 67
    email: huur@${c.id}.example
    website: https://www.${c.id}.example
  sender: { name: ${name}, email: noreply@${c.id}.example }
  senderDomains: [${c.id}.example]
${c.host ? `  paymentHost: ${c.host}\n` : ''}  ingress: { apiKeySecretRef: { name: erp-api-key } }
${extra}`;

const secret = (ns: string, key: string) => `
apiVersion: v1
kind: Secret
metadata: { name: erp-api-key, namespace: ${ns} }
type: Opaque
stringData: { api-key: ${key} }
`;

const BASE = `
apiVersion: v1
kind: Namespace
metadata: { name: outputstraat-base }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: email, namespace: outputstraat-base }
spec:
  type: email
  provider: smtp
  smtp: { host: smtp.invalid, port: 587 }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: reminder, namespace: outputstraat-base }
spec:
  channel: email
  description: Payment reminder with the payment link.
  locales:
    nl:
      subject: 'Betaalherinnering {{money receivable.balance receivable.currency}}'
      html: '<p>Betaal {{money receivable.balance receivable.currency}}: <a href="{{paymentLink}}">{{paymentLink}}</a></p>'
      text: 'Betaal {{money receivable.balance receivable.currency}}: {{paymentLink}}'
    en:
      subject: 'Payment reminder {{money receivable.balance receivable.currency}}'
      html: '<p>Pay {{money receivable.balance receivable.currency}}: <a href="{{paymentLink}}">{{paymentLink}}</a></p>'
      text: 'Pay {{money receivable.balance receivable.currency}}: {{paymentLink}}'
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: two-reminders, namespace: outputstraat-base }
spec:
  description: A reminder now and another one a day later, unless paid.
  trigger: { kinds: [rent] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: first, send: { template: reminder, channel: email } }
    - { id: pause, wait: { for: 1d } }
    - { id: second, send: { template: reminder, channel: email } }
  reactions:
    - { event: paid, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: rent, namespace: outputstraat-base }
spec:
  priority: 10
  appliesTo: { kinds: [rent] }
  rules: []
  default: { classification: rent, flow: two-reminders }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: rent-dossier, namespace: outputstraat-base }
spec:
  description: One dossier per tenant (scope debtor) - its payment page pays the total of the open items.
  scope: debtor
  trigger: { kinds: [rent-dossier] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: gather, wait: { for: 1m } }
    - { id: first, send: { template: reminder, channel: email } }
    - { id: pause, wait: { for: 1d } }
    - { id: second, send: { template: reminder, channel: email } }
  reactions:
    - { event: paid, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: rent-dossier, namespace: outputstraat-base }
spec:
  priority: 5
  appliesTo: { kinds: [rent-dossier] }
  rules:
    - { name: dossier, when: "receivable.kind == 'rent-dossier'", classification: rent-dossier, flow: rent-dossier }
`;

/**
 * Writes the fixture street (base + three corporations) to a fresh temporary folder; `noordSpec`: more
 * lines of Woonstichting Noord's Corporation spec (indented two spaces, e.g. `collections:`).
 */
export function writePagesFixture(noordSpec = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'ost-pages-'));
  writeFileSync(join(dir, 'base.yaml'), BASE);
  writeFileSync(join(dir, 'noord.yaml'), corporation(NOORD, 'Woonstichting Noord', '#00695c', noordSpec));
  writeFileSync(join(dir, 'noord-secret.yaml'), secret(NOORD.id, NOORD.apiKey));
  // A light brand colour: white text would fail contrast, so pages must pick dark text.
  writeFileSync(join(dir, 'zuid.yaml'), corporation(ZUID, 'Wonen Zuid', '#ffd54f'));
  writeFileSync(join(dir, 'zuid-secret.yaml'), secret(ZUID.id, ZUID.apiKey));
  writeFileSync(join(dir, 'west.yaml'), corporation(WEST, 'Woongoed West', '#5e35b1'));
  writeFileSync(join(dir, 'west-secret.yaml'), secret(WEST.id, WEST.apiKey));
  return dir;
}

export { freePort };

export interface PagesStreet {
  street: TestStreet;
  mollie: MollieServer;
  db: Database;
  port: number;
  /** http://127.0.0.1:<port>: the runtime's own address (PUBLIC_URL). */
  url: string;
  /** http://<host>:<port>: a corporation's payment host as the browser (and fetch with a Host header) sees it. */
  hostUrl(host: string): string;
  postReceivable(apiKey: string, body: Record<string, unknown>): Promise<void>;
  /** The receivable's id once intake stored it. */
  receivableId(corporation: string, externalId: string): Promise<string>;
  /** The payment link token once the first reminder made it. */
  paymentToken(corporation: string, externalId: string): Promise<string>;
  stop(): Promise<void>;
}

const ENV_KEYS = [
  'OST_MOLLIE_API_ENDPOINT',
  'OST_MOLLIE_CHECKOUT_ORIGINS',
  'OST_SECRET_PAGES_NOORD__MOLLIE__apiKey',
  'OST_SECRET_PAGES_ZUID__MOLLIE__apiKey',
];

export interface PagesStreetOptions {
  /** More resources for the fixture street: file name → YAML. */
  resources?: Record<string, string>;
  /** More environment for the runtime (secrets, settings, page rate limits, OST_TRUST_PROXY), restored on stop. */
  env?: Record<string, string>;
  /** Runs against the street's empty database before the runtime starts (and migrates it). */
  beforeRuntime?: (databaseUrl: string) => Promise<void>;
  /** More lines of Woonstichting Noord's Corporation spec (two-space indent). */
  noordSpec?: string;
  /** The runtime's clock (scheduler, intake, dispatch); tests move it to let days pass. */
  clock?: () => Date;
}

export async function startPagesStreet(options: PagesStreetOptions = {}): Promise<PagesStreet> {
  const dir = writePagesFixture(options.noordSpec);
  for (const [file, yaml] of Object.entries(options.resources ?? {})) writeFileSync(join(dir, file), yaml);
  const mollie = await startMollieServer({ apiKeys: [NOORD.mollieKey, ZUID.mollieKey] });
  const untrust = trustLocalMollie();
  const extra = options.env ?? {};
  const saved = Object.fromEntries([...ENV_KEYS, ...Object.keys(extra)].map((k) => [k, process.env[k]]));
  process.env.OST_MOLLIE_API_ENDPOINT = mollie.apiEndpoint;
  process.env.OST_MOLLIE_CHECKOUT_ORIGINS = mollie.checkoutOrigin;
  process.env.OST_SECRET_PAGES_NOORD__MOLLIE__apiKey = NOORD.mollieKey;
  process.env.OST_SECRET_PAGES_ZUID__MOLLIE__apiKey = ZUID.mollieKey;
  const street = await startStreet([dir]);
  Object.assign(process.env, extra);
  await options.beforeRuntime?.(street.db.url);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await street.startRuntime({ port, publicUrl: url }, options.clock ? { clock: options.clock } : {});
  const db = await createDatabase(street.db.url);
  return {
    street,
    mollie,
    db,
    port,
    url,
    hostUrl: (host) => `http://${host}:${port}`,
    async postReceivable(apiKey, body) {
      const res = await fetch(`${url}/v1/receivables`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 202) throw new Error(`receivable not accepted: ${res.status} ${await res.text()}`);
    },
    receivableId: (corporation, externalId) =>
      eventually(
        async () =>
          ((await db.maybeOneFirst(sql.unsafe`
            SELECT id FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}`)) ??
            undefined) as string | undefined,
        10_000,
        `receivable ${externalId}`,
      ),
    paymentToken: (corporation, externalId) =>
      eventually(
        async () =>
          ((await db.maybeOneFirst(sql.unsafe`
            SELECT l.id FROM links l JOIN receivables r ON r.id = l.receivable_id
            WHERE r.corporation = ${corporation} AND r.external_id = ${externalId} AND l.purpose = 'payment'
            ORDER BY l.created_at LIMIT 1`)) ?? undefined) as string | undefined,
        10_000,
        `payment link of ${externalId}`,
      ).then((id) => TEST_LINKS.tokenOf(id)),
    async stop() {
      await db.end().catch(() => undefined);
      await street.stop();
      await mollie.stop();
      untrust();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function rentReceivable(
  externalId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    externalId,
    kind: 'rent',
    amount: 62079,
    currency: 'EUR',
    dueDate: '2026-11-01',
    paymentReference: `1528${externalId.replace(/\D/g, '').padStart(11, '0')}`,
    invoiceNumber: `12124${externalId.replace(/\D/g, '').padStart(4, '0')}`,
    description: 'Huur november 2026',
    source: 'production',
    debtor: {
      id: `D-${externalId}`,
      name: 'K. Balogun',
      salutation: 'Beste heer Balogun',
      email: 'k.balogun@example.org',
      locale: 'nl',
      preferredChannel: 'email',
      address: { street: 'Vismarkt', houseNumber: '12a', postalCode: '9712 CA', city: 'Groningen' },
    },
    ...overrides,
  };
}

/** The three months `postDossier` posts: due date and description, oldest first. */
export const DOSSIER_MONTHS = [
  ['2026-09-01', 'Huur september 2026'],
  ['2026-10-01', 'Huur oktober 2026'],
  ['2026-11-01', 'Huur november 2026'],
] as const;

/**
 * Three unpaid months (€ 620,79 each) of one Noord tenant, posted newest first, in one `rent-dossier`
 * (scope debtor) dossier; its first reminder made now. Ids `<debtor>-1..3`, oldest first; the token is
 * the dossier's payment link (it belongs to the oldest open item).
 */
export async function postDossier(
  s: PagesStreet,
  debtor: string,
): Promise<{ ids: string[]; caseId: string; token: string }> {
  const ids = DOSSIER_MONTHS.map((_, i) => `${debtor}-${i + 1}`);
  for (const i of [2, 1, 0]) {
    const [dueDate, description] = DOSSIER_MONTHS[i]!;
    const base = rentReceivable(ids[i]!);
    await s.postReceivable(NOORD.apiKey, {
      ...base,
      kind: 'rent-dossier',
      dueDate,
      description,
      debtor: { ...(base.debtor as Record<string, unknown>), id: debtor },
    });
  }
  const caseId = await eventually(
    async () =>
      ((await s.db.maybeOneFirst(sql.unsafe`
        SELECT ci.case_id FROM case_items ci JOIN receivables r ON r.id = ci.receivable_id
        WHERE r.corporation = ${NOORD.id} AND r.external_id = ANY(${sql.array(ids, 'text')})
        GROUP BY ci.case_id HAVING count(*) = 3`)) ?? undefined) as string | undefined,
    15_000,
    'one dossier with three items',
  );
  // The flow gathers for a minute before its first reminder (which makes the payment link): now.
  await s.db.query(sql.unsafe`
    UPDATE steps SET due_at = now() WHERE case_id = ${caseId} AND kind = 'due' AND status = 'scheduled'`);
  return { ids, caseId, token: await s.paymentToken(NOORD.id, ids[0]!) };
}

export interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

let axeSource: string | undefined;

/**
 * axe-core (WCAG 2.2 A/AA and best practice) over exactly the HTML the page got, loaded into a blank page
 * of the same context (no CSP there to block axe; a refresh meta tag removed so the probe stays put).
 */
export async function axeViolations(context: BrowserContext, page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
  const probe = await context.newPage();
  try {
    await probe.setContent((await page.content()).replace(/<meta http-equiv="refresh"[^>]*>/, ''));
    await probe.addScriptTag({ content: axeSource });
    // A string, evaluated in the page: this project compiles without the DOM library.
    return (await probe.evaluate(`axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`)) as AxeViolation[];
  } finally {
    await probe.close();
  }
}
