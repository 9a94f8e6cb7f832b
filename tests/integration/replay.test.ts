// Replay on a real street (Postgres, NATS, the SMTP sink, the runtime): receivables go through a flow that
// mails at once and reminds a minute later; two are paid in between. `outputstraat replay export` writes
// the street's own history through GET /v1/replay-records; `outputstraat replay` of the same flow version
// reproduces what was sent (same counts per day and channel), and a changed version (no reminder) shows
// the difference.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayRecord, ReplayReport } from '../../core/replay/index.js';
import { cli } from '../../operator/cli/test-kit.js';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import { DEMO_KEY, eventually, startStreet, type TestStreet } from '../support/street.js';

const flow = (reminder: boolean) => `apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: replay-demo, namespace: woonstad-noord }
spec:
  trigger: { kinds: [replay-demo], classifications: [replay-demo] }
  channels: { fallback: [email] }
  steps:
    - { id: first-mail, send: { channel: email, template: storno-email } }
    - { id: wait-a-minute, wait: { for: 1m } }
${reminder ? '    - { id: reminder, send: { channel: email, template: storno-reminder-email } }\n' : ''}    - { id: done, wait: { for: 30d } }
  reactions:
    - { event: paid, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: replay-demo, namespace: woonstad-noord }
spec:
  priority: 1
  appliesTo: { kinds: [replay-demo] }
  rules:
    - { name: replay-demo, when: "receivable.kind == 'replay-demo'", classification: replay-demo, flow: replay-demo }
`;

const COUNT = 6;
const PAID = 2;

let street: TestStreet;
let db: Database;
let dir: string;
let current: string[];
let changed: string[];
const records = () => join(dir, 'history.ndjson');

function version(name: string, reminder: boolean): string[] {
  const root = join(dir, name);
  cpSync('flows', join(root, 'flows'), { recursive: true });
  const corp = join(root, 'woonstad-noord');
  mkdirSync(corp);
  for (const f of ['corporation.yaml', 'erp-api-key.secret.yaml'])
    cpSync(join('examples/01-woonstad-noord', f), join(corp, f));
  writeFileSync(join(corp, 'replay-demo.yaml'), flow(reminder));
  return [join(root, 'flows'), corp];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ost-replay-'));
  current = version('current', true);
  changed = version('changed', false);
  street = await startStreet(current);
  await street.startRuntime();
  db = await createDatabase(street.db.url);
  const example = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
  const ids = Array.from({ length: COUNT }, (_, i) => `RP-${Date.now()}-${i}`);
  for (const [i, externalId] of ids.entries()) {
    const res = await street.post('/v1/receivables', {
      ...example,
      kind: 'replay-demo',
      externalId,
      debtor: { ...example.debtor, id: `D-RP-${i}`, email: `replay-${i}@example.org` },
    });
    expect(res.status).toBe(202);
  }
  await street.smtp.waitForMessages(COUNT, 30_000);
  for (const externalId of ids.slice(0, PAID)) {
    const res = await street.post(`/v1/receivables/${externalId}/payments`, {
      amount: example.amount,
      paymentId: `${externalId}-pay`,
    });
    expect(res.status).toBe(200);
  }
  // The unpaid ones get their reminder a minute after the first mail.
  await eventually(
    async () => {
      const n = Number(
        await db.oneFirst(sql.unsafe`
          SELECT count(*) FROM messages WHERE step_id = 'reminder' AND sent_at IS NOT NULL`),
      );
      return n >= COUNT - PAID || undefined;
    },
    120_000,
    'the reminders sent',
  );
}, 180_000);

afterAll(async () => {
  await db?.end();
  await street?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const server = () => ['--server', street.runtimes[0]!.url, '--api-key', DEMO_KEY];

describe('outputstraat replay', () => {
  it("export writes the street's own history: each receivable as posted, its payments and what was sent", async () => {
    const run = await cli('.', 'replay', 'export', '--file', records(), ...server());
    expect(run.err).toContain(`wrote ${COUNT} replay records`);
    expect(run.code).toBe(0);
    const lines = readFileSync(records(), 'utf8').trim().split('\n');
    const all = lines.map((l) => JSON.parse(l) as ReplayRecord);
    expect(all).toHaveLength(COUNT);
    expect(all.filter((r) => r.events.some((e) => e.type === 'paid'))).toHaveLength(PAID);
    expect(all.flatMap((r) => r.sent.map((s) => s.step)).sort()).toEqual([
      ...Array(COUNT).fill('first-mail'),
      ...Array(COUNT - PAID).fill('reminder'),
    ]);
    // The base email channel's price (0.001 €): 0.1 cent per message.
    expect(all[0]!.sent[0]).toMatchObject({ channel: 'email', channelType: 'email', costCents: 0.1 });
  });

  it('replaying the current version over that history reproduces what was sent, per day and channel', async () => {
    const run = await cli('.', 'replay', ...current, '--records', records(), '-o', 'json');
    expect(run.err).toContain(`replayed ${COUNT}/${COUNT} (100%)`);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as ReplayReport;
    expect(report.failed).toEqual([]);
    expect(report.days.length).toBeGreaterThan(0);
    for (const d of report.days) expect(d.replayed, `${d.day} ${d.channel}`).toBe(d.actual);
    expect(report.replayed).toEqual(report.actual);
    expect(report.actual.contacts).toBe(COUNT + COUNT - PAID);
  });

  it('a changed version (no reminder) shows the difference in contacts per day', async () => {
    const run = await cli('.', 'replay', ...changed, '--records', records());
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toBe(`replayed ${COUNT} receivables`);
    expect(lines[1]).toMatch(/^day\s+channel\s+replayed\s+actual\s+difference$/);
    const email = lines.filter((l) => /^\d{4}-\d{2}-\d{2}\s+email\s/.test(l));
    const [replayed, actual, diff] = email
      .map((l) => l.split(/\s+/).slice(2).map(Number))
      .reduce((a, b) => [a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!]);
    expect([replayed, actual, diff]).toEqual([COUNT, COUNT + COUNT - PAID, -(COUNT - PAID)]);
    expect(lines).toContain(
      `totals: contacts ${COUNT} (actual ${2 * COUNT - PAID}), letters 0 (actual 0), consultant tasks 0 (actual 0), cost € 0.01 (actual € 0.01)`,
    );
  });
});
