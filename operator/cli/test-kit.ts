// Test support for the CLI's tests (not used by the CLI itself): a small street written to a temporary
// folder — a base namespace with an email and an SMS channel, two templates, a reminder flow and a
// default rule, plus the corporation Acme over it — and a way to run the CLI with captured output.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIo } from './cli-io.js';
import { runCli } from './program.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `outputstraat <args>` in `cwd` and returns its exit code and output. */
export async function cli(cwd: string, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd };
  const code = await runCli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export const MINI_STREET: Record<string, string> = {
  'flows/namespace.yaml': `
apiVersion: v1
kind: Namespace
metadata: { name: outputstraat-base }
`,
  'flows/channels.yaml': `
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: email }
spec: { type: email, provider: smtp, smtp: { host: smtp.example } }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: sms }
spec: { type: sms, provider: twilio, twilio: { from: Acme } }
`,
  'flows/templates.yaml': `
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: reminder-email }
spec:
  channel: email
  locales:
    nl:
      subject: 'Herinnering: {{money receivable.balance receivable.currency}}'
      text: 'Beste {{debtor.name}}, betaal {{money receivable.balance receivable.currency}} via {{paymentLink}}.'
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: reminder-sms }
spec:
  channel: sms
  locales:
    nl:
      sms: '{{corporation.name}}: betaal {{money receivable.balance receivable.currency}} via {{paymentLink}}'
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: consultant-alert }
spec:
  channel: email
  locales:
    nl:
      subject: 'Actie: {{alert.actionLabel}} ({{receivable.externalId}})'
      text: '{{alert.actionLabel}}'
`,
  'flows/reminder.yaml': `
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: reminder }
spec:
  trigger: { kinds: [rent] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email, sms] }
  steps:
    - id: first-reminder
      send: { channel: email, template: reminder-email, templates: { sms: reminder-sms } }
    - id: wait-3d
      wait: { for: 3d }
    - id: second-reminder
      send: { channel: email, template: reminder-email }
    - id: wait-2d
      wait: { for: 2d }
    - id: call-tenant
      alert: { action: call }
  reactions:
    - { event: bounced, onlyChannel: email, then: fallback }
`,
  'flows/rules.yaml': `
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: rent }
spec:
  appliesTo: { kinds: [rent] }
  rules:
    - { name: large, when: 'receivable.balance >= 100000', classification: large, flow: reminder }
  default: { classification: arrears, flow: reminder }
`,
  'acme/corporation.yaml': `
apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: acme, namespace: acme }
spec:
  displayName: Acme Wonen
  sender: { email: noreply@acme.example }
  senderDomains: [acme.example]
  paymentHost: betalen.acme.example
  ingress: { apiKeySecretRef: { name: erp-api-key } }
  alerts: { recipients: [{ email: incasso@acme.example }] }
`,
  'acme/receivable.json': JSON.stringify(
    {
      externalId: 'ACME-1',
      kind: 'rent',
      amount: 62079,
      dueDate: '2026-03-01',
      paymentReference: '1234567890',
      source: 'production',
      debtor: { id: 'D-1', name: 'J. de Vries', email: 'jdevries@example.org', phone: '+31612345678' },
    },
    null,
    2,
  ),
};

/** Writes files (path → content) into a new temporary folder and returns the folder. */
export function writeStreet(files: Record<string, string> = MINI_STREET, into?: string): string {
  const root = into ?? mkdtempSync(join(tmpdir(), 'outputstraat-cli-'));
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content.startsWith('\n') ? content.slice(1) : content);
  }
  return root;
}

/**
 * Runs the CLI's street-talking commands away from the user's own settings: no OUTPUTSTRAAT_* variables
 * and a config file in a fresh temporary folder (returned as `configFile`). Returns the undo.
 */
export function isolatedCliEnv(): (() => void) & { configFile: string } {
  const names = [
    'OUTPUTSTRAAT_SERVER',
    'OUTPUTSTRAAT_API_KEY',
    'OUTPUTSTRAAT_CONTEXT',
    'OUTPUTSTRAAT_CONFIG',
  ];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  const configFile = join(mkdtempSync(join(tmpdir(), 'ost-cli-config-')), 'outputstraat', 'config.yaml');
  process.env.OUTPUTSTRAAT_CONFIG = configFile;
  const restore = () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  };
  return Object.assign(restore, { configFile });
}
