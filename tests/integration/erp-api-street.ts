// The street the ERP API suites run on: a temporary copy of flows/ and examples/ plus
//   - the flow `erp-api-test` (kind erp-api-test): wait 30 minutes, then one email, no dispatch window, so
//     a test decides when the step is due by moving the step row's due time;
//   - the same once more as `erp-api-test-2` (kind erp-api-test-2), for a debtor in two flows;
//   - a second corporation, `woonstad-zuid` (key demo-woonstad-zuid-key), for isolation;
//   - optionally a webhook Channel in woonstad-noord pointing at a local URL.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import type { RuntimeSettings } from '../../platform/settings/runtime-settings.js';
import { DEMO_KEY, eventually, startStreet, type TestStreet } from '../support/street.js';

export const ZUID_KEY = 'demo-woonstad-zuid-key';
export { DEMO_KEY };

const FLOW = `
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: erp-api-test, namespace: outputstraat-base }
spec:
  description: ERP API tests - one email thirty minutes after intake.
  trigger: { kinds: [erp-api-test] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: wait-a-bit, wait: { for: 30m } }
    - { id: reminder, send: { channel: email, template: erp-api-test-email } }
  reactions:
    - { event: paid, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: erp-api-test-email, namespace: outputstraat-base }
spec:
  channel: email
  locales:
    nl:
      subject: 'Herinnering {{receivable.externalId}}'
      text: 'Nog open: {{money receivable.balance receivable.currency}}. Betaal via {{paymentLink}}'
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: erp-api-test, namespace: outputstraat-base }
spec:
  priority: 1
  appliesTo: { kinds: [erp-api-test] }
  rules:
    - { name: erp-api-test, when: 'true', classification: erp-api-test, flow: erp-api-test }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: erp-api-test-2, namespace: outputstraat-base }
spec:
  description: ERP API tests - a second flow like erp-api-test, for a debtor with two dossiers.
  trigger: { kinds: [erp-api-test-2] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: wait-a-bit, wait: { for: 30m } }
    - { id: reminder, send: { channel: email, template: erp-api-test-email } }
  reactions:
    - { event: paid, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: erp-api-test-2, namespace: outputstraat-base }
spec:
  priority: 1
  appliesTo: { kinds: [erp-api-test-2] }
  rules:
    - { name: erp-api-test-2, when: 'true', classification: erp-api-test-2, flow: erp-api-test-2 }
`;

const ZUID = `
apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: woonstad-zuid, namespace: woonstad-zuid }
spec:
  displayName: Woonstad Zuid
  base: outputstraat-base
  locale: nl
  timezone: Europe/Amsterdam
  sender: { name: Woonstad Zuid, email: noreply@woonstad-zuid.example }
  senderDomains: [woonstad-zuid.example]
  ingress: { apiKeySecretRef: { name: erp-api-key } }
---
apiVersion: v1
kind: Secret
metadata: { name: erp-api-key, namespace: woonstad-zuid }
type: Opaque
stringData: { api-key: ${ZUID_KEY} }
`;

const webhookChannel = (url: string) => `
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: erp-events, namespace: woonstad-noord }
spec:
  type: webhook
  provider: http
  description: The ERP's event endpoint (test).
  credentialsSecretRef: { name: erp-events }
  http: { url: '${url}' }
`;

/** The env variable the runtime reads the test webhook's signing secret from. */
export const WEBHOOK_SECRET_ENV = 'OST_SECRET_WOONSTAD_NOORD__ERP_EVENTS__hmacSecret';

export interface ErpStreet {
  street: TestStreet;
  db: Database;
  stop(): Promise<void>;
}

export async function startErpStreet(
  options: {
    webhookUrl?: string;
    schedulerIntervalMs?: number;
    runtime?: Partial<RuntimeSettings>;
    /** More resources for the base street: file name in flows/ → YAML. */
    flows?: Record<string, string>;
    /** The runtime's clock (intake, scheduler, dispatch, ERP changes); tests move it to let days pass. */
    clock?: () => Date;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'ost-erp-api-'));
  cpSync('flows', join(dir, 'flows'), { recursive: true });
  cpSync('examples', join(dir, 'examples'), { recursive: true });
  writeFileSync(join(dir, 'flows', 'erp-api-test.yaml'), FLOW);
  for (const [name, yaml] of Object.entries(options.flows ?? {}))
    writeFileSync(join(dir, 'flows', name), yaml);
  mkdirSync(join(dir, 'examples', 'zz-woonstad-zuid'));
  writeFileSync(join(dir, 'examples', 'zz-woonstad-zuid', 'corporation.yaml'), ZUID);
  if (options.webhookUrl) {
    writeFileSync(
      join(dir, 'examples', '01-woonstad-noord', 'erp-events.yaml'),
      webhookChannel(options.webhookUrl),
    );
  }
  const street = await startStreet([join(dir, 'flows'), join(dir, 'examples')]);
  const runtime = await street.startRuntime(
    { schedulerIntervalMs: options.schedulerIntervalMs ?? 10, ...options.runtime },
    options.clock ? { clock: options.clock } : {},
  );
  const loaded = () =>
    runtime.bundles.get('woonstad-zuid') && runtime.bundles.get('woonstad-noord')?.flows['erp-api-test'];
  if (!loaded()) {
    await street.stop();
    throw new Error(`the test street did not compile: ${JSON.stringify(await street.source.reconcile())}`);
  }
  const db = await createDatabase(street.db.url);
  return {
    street,
    db,
    async stop() {
      await db.end();
      await street.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A receivable of the test flow: 100,00 open, email only. */
export function testReceivable(externalId: string, overrides: Record<string, unknown> = {}) {
  const example = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
  return {
    ...example,
    externalId,
    kind: 'erp-api-test',
    amount: 10_000,
    stornoReasonCode: undefined,
    ...overrides,
  };
}

/** Posts receivables and waits until intake stored them with their first timer. */
export async function postReceivables(erp: ErpStreet, ids: string[], apiKey = DEMO_KEY): Promise<void> {
  for (const id of ids) {
    const res = await erp.street.post('/v1/receivables', testReceivable(id), apiKey);
    if (res.status !== 202) throw new Error(`posting ${id}: ${res.status} ${await res.text()}`);
  }
  await eventually(
    async () => {
      const n = await erp.db.oneFirst(sql.unsafe`
        SELECT count(*) FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
        WHERE r.external_id = ANY(${sql.array(ids, 'text')}) AND s.kind = 'due'`);
      return Number(n) === ids.length || undefined;
    },
    10_000,
    `${ids.length} receivables with their timer`,
  );
}

export async function send(
  erp: ErpStreet,
  method: 'POST' | 'PATCH' | 'GET',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  apiKey = DEMO_KEY,
): Promise<Response> {
  return fetch(`${erp.street.runtimes[0]!.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}
