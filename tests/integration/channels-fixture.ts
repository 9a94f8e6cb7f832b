// A street for the channel suites: a temporary copy of the base library (channels, templates, the storno
// and consultant folders) and of Woonstad Noord, with
// - a storno flow without a dispatch window whose first step lets the debtor's preference choose among
//   email, sms and letter, and whose email falls back on a bounce;
// - test flows per channel (voice, a registered letter, consultant alert) chosen by receivable kind;
// - Woonstad Noord's channels overlaid to reach this test's peers: the SMTP sink (with DKIM), the Twilio
//   server, the SFTP server and a webhook receiver; credentials through OST_SECRET_* variables.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../../runtime/bundles/index.js';
import { freePort } from '../support/free-port.js';
import { startSftpServer, type TestSftpServer } from '../support/sftp-server.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';
import { startTwilioServer, type TestTwilioServer } from '../support/twilio-server.js';

export const TRACKING_SECRET = 'test-tracking-secret-0123456789abcdef';
export const EMAIL_WEBHOOK_SECRET = 'test-email-webhook-secret';
export const HMAC_SECRET = 'test-webhook-hmac-secret';
export const MESSAGING_SERVICE = 'MG0123456789abcdef0123456789abcdef';
export const VOICE_FROM = '+31850001234';

export interface Hook {
  headers: Record<string, string>;
  body: string;
}

export interface ChannelStreet {
  street: TestStreet;
  /** A pool on the street's database, for assertions. */
  db: Database;
  /** The runtime's live config bundles (for workers a test runs itself). */
  bundles: BundleStore;
  twilio: TestTwilioServer;
  sftp: TestSftpServer;
  hooks: Hook[];
  hookUrl: string;
  dkimPublicKey: string;
  bounceSmtpPort: number;
  runtimeUrl: string;
  /** The runtime's internal port: /metrics, /openapi.json. */
  metricsUrl: string;
  publicUrl: string;
  stop(): Promise<void>;
}

const storno = `apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: storno, namespace: outputstraat-base }
spec:
  trigger: { kinds: [storno], classifications: [storno] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email, sms, letter] }
  steps:
    - id: storno-first
      send: { templates: { email: storno-email, sms: storno-sms, letter: storno-letter } }
    - id: wait-a-month
      wait: { for: 30d }
    - id: hand-over
      stop: { reason: test flow ends }
  reactions:
    - { event: bounced, then: fallback }
    - { event: paid, then: stop }
`;

const testFlow = (name: string, step: string) => `---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: ${name}, namespace: outputstraat-base }
spec:
  trigger: { kinds: [${name}], classifications: [${name}] }
  channels: { fallback: [email] }
  steps:
${step}
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
`;

const channelTests = `apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: channel-tests, namespace: outputstraat-base }
spec:
  priority: 5
  appliesTo: { kinds: [test-voice, test-letter, test-alert] }
  rules:
${['test-voice', 'test-letter', 'test-alert']
  .map((k) => `    - { name: ${k}, when: "receivable.kind == '${k}'", classification: ${k}, flow: ${k} }`)
  .join('\n')}
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: test-voice, namespace: outputstraat-base }
spec:
  channel: voice
  locales:
    nl:
      voice: >-
        Goedendag, u spreekt met {{corporation.displayName}}. Van uw huur staat nog
        {{money receivable.balance receivable.currency}} open.
${testFlow('test-voice', '    - id: call\n      send: { channel: voice, template: test-voice }')}${testFlow(
  'test-letter',
  '    - id: letter\n      send: { channel: letter, template: storno-letter, registered: true }',
)}${testFlow(
  'test-alert',
  "    - id: tell-consultants\n      alert: { action: call, note: 'Bel de huurder vandaag nog.' }",
)}`;

function overlayChannels(sftp: TestSftpServer, hookUrl: string, smtpPort: number) {
  return `apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: email, namespace: woonstad-noord }
spec:
  type: email
  provider: smtp
  pricePerMessage: '0.0012'
  credentialsSecretRef: { name: smtp-credentials }
  smtp:
    host: 127.0.0.1
    port: ${smtpPort}
    dkim: { domainName: woonstad-noord.example, keySelector: ost2026 }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: sms, namespace: woonstad-noord }
spec:
  type: sms
  provider: twilio
  pricePerMessage: '0.075'
  credentialsSecretRef: { name: twilio-credentials }
  twilio: { messagingServiceSid: ${MESSAGING_SERVICE} }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: voice, namespace: woonstad-noord }
spec:
  type: voice
  provider: twilio
  credentialsSecretRef: { name: twilio-credentials }
  twilio: { from: '${VOICE_FROM}', voice: Polly.Lotte, language: nl-NL }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: letter, namespace: woonstad-noord }
spec:
  type: letter
  provider: sftp-print
  credentialsSecretRef: { name: print-credentials }
  sftp:
    host: 127.0.0.1
    port: ${sftp.port}
    directory: /inbox
    returnDirectory: /returns
    hostKeySha256: '${sftp.hostKeySha256}'
    batch: { maxLetters: 2, cutoff: '16:00' }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: webhook, namespace: woonstad-noord }
spec:
  type: webhook
  provider: http
  credentialsSecretRef: { name: webhook-signing }
  http: { url: '${hookUrl}' }
`;
}

async function startHookReceiver(hooks: Hook[]) {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      // The first delivery of each message fails, so the retry is part of the test. (The ERP event feed's
      // own signed webhooks go to the same Channel URL; they carry no Idempotency-Key and get 204.)
      const key = req.headers['idempotency-key'];
      const seen = hooks.filter((h) => key !== undefined && h.headers['idempotency-key'] === key).length;
      res.writeHead(seen === 1 ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/outputstraat/messages`,
    stop: () => new Promise((r) => server.close(r)),
  };
}

/**
 * `extra`: more resource files (name → YAML) in a folder of their own, e.g. a second corporation.
 * `options.corporationSpec`: YAML lines appended to Woonstad Noord's spec (indented two spaces), e.g.
 * collections; given the SFTP server, which can play another party's server too. `options.allowHosts`:
 * more `host:port`s outbound posts may reach over plain http on loopback (a test's provider).
 * `options.clock`: the runtime's clock.
 */
export async function startChannelStreet(
  extra: Record<string, string> = {},
  options: {
    corporationSpec?: (sftp: TestSftpServer) => string;
    allowHosts?: string[];
    /** The runtime's clock (a test that moves time); default the real one. */
    clock?: () => Date;
  } = {},
): Promise<ChannelStreet> {
  const { corporationSpec } = options;
  const dir = mkdtempSync(join(tmpdir(), 'ost-channels-'));
  const base = join(dir, 'flows');
  mkdirSync(base);
  cpSync('flows/namespace.yaml', join(base, 'namespace.yaml'));
  for (const folder of ['channels', 'templates', 'storno', 'consultants']) {
    cpSync(join('flows', folder), join(base, folder), { recursive: true });
  }
  writeFileSync(join(base, 'storno', 'storno.yaml'), storno);
  writeFileSync(join(base, 'channel-tests.yaml'), channelTests);
  const corp = join(dir, 'woonstad-noord');
  mkdirSync(corp);
  for (const f of ['corporation.yaml', 'erp-api-key.secret.yaml']) {
    cpSync(join('examples/01-woonstad-noord', f), join(corp, f));
  }

  const twilio = await startTwilioServer();
  const sftp = await startSftpServer();
  if (corporationSpec) {
    const file = join(corp, 'corporation.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n${corporationSpec(sftp)}`);
  }
  const hooks: Hook[] = [];
  const receiver = await startHookReceiver(hooks);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const bounceSmtpPort = await freePort();
  const env: Record<string, string> = {
    OST_TRACKING_SECRET: TRACKING_SECRET,
    OST_EMAIL_WEBHOOK_SECRET: EMAIL_WEBHOOK_SECRET,
    OST_TWILIO_API_BASE: twilio.url,
    OST_BOUNCE_SMTP_PORT: String(bounceSmtpPort),
    OST_BOUNCE_SMTP_HOST: '127.0.0.1',
    OST_PRINT_BATCH_INTERVAL_MS: '200',
    OST_RETENTION_SWEEP_INTERVAL_MS: '0',
    OST_SECRET_WOONSTAD_NOORD__SMTP_CREDENTIALS__dkimPrivateKey: privateKey,
    OST_SECRET_WOONSTAD_NOORD__TWILIO_CREDENTIALS__accountSid: twilio.accountSid,
    OST_SECRET_WOONSTAD_NOORD__TWILIO_CREDENTIALS__authToken: twilio.authToken,
    OST_SECRET_WOONSTAD_NOORD__PRINT_CREDENTIALS__username: sftp.username,
    OST_SECRET_WOONSTAD_NOORD__PRINT_CREDENTIALS__password: sftp.password,
    OST_SECRET_WOONSTAD_NOORD__WEBHOOK_SIGNING__hmacSecret: HMAC_SECRET,
    // The local receiver is plain http on loopback: only a listed host may be reached that way.
    OST_WEBHOOK_ALLOW_HOSTS: [new URL(receiver.url).host, ...(options.allowHosts ?? [])].join(','),
  };
  Object.assign(process.env, env);
  // The SMTP sink's port is known only once the street runs: write the overlay, then reconcile again.
  writeFileSync(join(corp, 'channels.yaml'), overlayChannels(sftp, receiver.url, 2525));
  const paths = [base, corp];
  if (Object.keys(extra).length > 0) {
    const more = join(dir, 'more');
    mkdirSync(more);
    for (const [name, text] of Object.entries(extra)) writeFileSync(join(more, name), text);
    paths.push(more);
  }
  const street = await startStreet(paths);
  writeFileSync(join(corp, 'channels.yaml'), overlayChannels(sftp, receiver.url, street.smtp.port));
  await street.source.reconcile();
  const runtime = await street.startRuntime({}, options.clock ? { clock: options.clock } : {});
  const publicUrl = 'http://127.0.0.1:0';
  await eventually(
    async () =>
      runtime.bundles.get('woonstad-noord')?.channels.webhook?.spec.http?.url === receiver.url || undefined,
    10_000,
    'the bundle with the test channels',
  );

  const db = await createDatabase(street.db.url);
  return {
    street,
    db,
    bundles: runtime.bundles,
    twilio,
    sftp,
    hooks,
    hookUrl: receiver.url,
    dkimPublicKey: publicKey,
    bounceSmtpPort,
    runtimeUrl: runtime.url,
    metricsUrl: runtime.metricsUrl,
    publicUrl,
    async stop() {
      await db.end();
      await street.stop();
      await twilio.stop();
      await sftp.stop();
      await receiver.stop();
      for (const key of Object.keys(env)) delete process.env[key];
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function receivable(overrides: Record<string, unknown> = {}, debtor: Record<string, unknown> = {}) {
  const example = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8')) as {
    debtor: Record<string, unknown>;
  } & Record<string, unknown>;
  return {
    ...example,
    externalId: `WN-T-${randomBytes(4).toString('hex')}`,
    ...overrides,
    debtor: { ...example.debtor, ...debtor },
  };
}

export interface MessageRow {
  id: string;
  channel: string;
  channel_type: string;
  status: string;
  provider_id: string | null;
  engine_message_id: string | null;
  template: string;
  recipient: string;
}

/** Our message rows of a receivable, oldest first. */
export async function messagesOf(cs: ChannelStreet, externalId: string): Promise<MessageRow[]> {
  return (await cs.db.any(sql.unsafe`
    SELECT m.id, m.channel, m.channel_type, m.status, m.provider_id, m.engine_message_id, m.template, m.recipient
    FROM messages m JOIN receivables r ON r.id = m.receivable_id
    WHERE r.external_id = ${externalId} ORDER BY m.created_at`)) as unknown as MessageRow[];
}

/** Waits until the receivable has a message matching `pick`. */
export function messageEventually(
  cs: ChannelStreet,
  externalId: string,
  pick: (m: MessageRow) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<MessageRow> {
  return eventually(async () => (await messagesOf(cs, externalId)).find(pick), timeoutMs, what);
}

export async function historyOf(cs: ChannelStreet, messageId: string) {
  return (await cs.db.any(sql.unsafe`
    SELECT status, source, detail FROM message_status_history WHERE message_id = ${messageId} ORDER BY id`)) as unknown as {
    status: string;
    source: string | null;
    detail: Record<string, unknown> | null;
  }[];
}
