// A tenant reported deceased mid-flow (PATCH /v1/debtors/{id}, Flow spec.onDeceased: estateLetter): the
// dossier stops, the consultants are alerted, and exactly one letter goes to the print provider over SFTP,
// addressed "De erven van <naam>" at the tenant's address (read back with pdftotext); no reminder goes out
// after it, not even when the steps that were pending come due.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { DEMO_KEY, eventually } from '../support/street.js';
import { type ChannelStreet, messagesOf, receivable, startChannelStreet } from './channels-fixture.js';

const estateFlow = `apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: estate-test, namespace: outputstraat-base }
spec:
  priority: 6
  appliesTo: { kinds: [test-estate] }
  rules:
    - { name: test-estate, when: "receivable.kind == 'test-estate'", classification: test-estate, flow: test-estate }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: test-estate-letter, namespace: outputstraat-base }
spec:
  channel: letter
  locales:
    nl:
      letter:
        subject: Openstaande huur van {{debtor.name}}
        blocks:
          - Geachte nabestaanden,
          - Er staat nog {{money receivable.balance receivable.currency}} open. Wij sturen geen herinneringen meer.
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: test-estate, namespace: outputstraat-base }
spec:
  trigger: { kinds: [test-estate], classifications: [test-estate] }
  channels: { fallback: [email] }
  onDeceased: { action: estateLetter, channel: letter, template: test-estate-letter }
  steps:
    - id: reminder
      send: { channel: email, template: storno-email }
    - id: wait-1
      wait: { for: 30m }
    - id: second-reminder
      send: { channel: email, template: storno-email }
    - id: wait-2
      wait: { for: 30m }
    - id: reminder-letter
      send: { channel: letter, template: storno-letter }
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
`;

const tenants = [
  {
    id: 'D-EST-1',
    name: 'A. Bakker',
    address: { street: 'Vismarkt', houseNumber: '12a', postalCode: '9712 CA', city: 'Groningen' },
  },
  {
    id: 'D-EST-2',
    name: 'C. Visser',
    address: { street: 'Oosterstraat', houseNumber: '3', postalCode: '9711 NN', city: 'Groningen' },
  },
];

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'ost-estate-'));
  try {
    writeFileSync(join(dir, 'letter.pdf'), pdf);
    return execFileSync('pdftotext', [join(dir, 'letter.pdf'), '-']).toString('utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the letter to the estate of a tenant reported deceased', () => {
  let cs: ChannelStreet;
  beforeAll(async () => {
    cs = await startChannelStreet({ 'estate-flow.yaml': estateFlow });
  });
  afterAll(async () => {
    await cs?.stop();
  });

  it('PATCH deceased mid-flow: one letter on the SFTP server addressed "De erven van", and nothing after it', async () => {
    const posted = tenants.map((t) => receivable({ kind: 'test-estate' }, t));
    for (const r of posted) expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    for (const r of posted) {
      await eventually(
        async () =>
          (await messagesOf(cs, r.externalId)).some(
            (m) => m.channel_type === 'email' && m.status === 'sent',
          ) || undefined,
        20_000,
        'the first reminder sent',
      );
    }
    // Mid-flow: each dossier waits for its second reminder.
    for (const t of tenants) {
      const res = await fetch(`${cs.runtimeUrl}/v1/debtors/${t.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ deceased: { date: '2026-12-01', source: 'municipality' } }),
      });
      expect(res.status).toBe(200);
    }
    // Two estate letters fill the print batch (maxLetters 2): it is uploaded at once.
    const files = await eventually(
      async () =>
        cs.sftp.files('inbox').some((f) => f.endsWith('-manifest.json')) ? cs.sftp.files('inbox') : undefined,
      20_000,
      'the batch of estate letters on the SFTP server',
    );
    const manifest = JSON.parse(
      cs.sftp.read(`inbox/${files.find((f) => f.endsWith('-manifest.json'))!}`).toString('utf8'),
    ) as { letters: { letterId: string; file: string }[] };
    expect(manifest.letters).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.pdf'))).toHaveLength(2);

    // Whatever was pending comes due now: the stopped dossiers send nothing more.
    await cs.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() FROM cases c, receivables r
      WHERE steps.case_id = c.id AND c.receivable_id = r.id AND r.external_id = ANY(${sql.array(
        posted.map((r) => r.externalId),
        'text',
      )}) AND steps.status IN ('scheduled', 'held')`);
    await new Promise((r) => setTimeout(r, 2_000));

    for (const [i, r] of posted.entries()) {
      const t = tenants[i]!;
      const messages = await cs.db.any(sql.unsafe`
        SELECT m.id, m.step_id, m.channel_type, m.status, m.recipient FROM messages m
        JOIN receivables r ON r.id = m.receivable_id WHERE r.external_id = ${r.externalId}
        ORDER BY m.created_at`);
      // The first reminder, then (in either order) the consultants' alert and the one letter to the estate.
      expect(messages[0]).toMatchObject({ step_id: 'reminder', channel_type: 'email', status: 'sent' });
      expect(
        messages
          .slice(1)
          .map((m) => `${m.step_id} ${m.channel_type} ${m.status} ${m.recipient}`)
          .sort(),
      ).toEqual([
        `onDeceased letter sent ${t.address.postalCode} ${t.address.houseNumber}`,
        'reminder email sent incasso@woonstad-noord.example',
      ]);
      const letter = messages.find((m) => m.channel_type === 'letter')!;
      const entry = manifest.letters.find((l) => l.letterId === letter.id);
      expect(entry, `the estate letter of ${t.id} is in the batch`).toBeDefined();
      const text = pdfText(cs.sftp.read(`inbox/${entry!.file}`)).replace(/[ \t]+/g, ' ');
      // The address block starts with the estate, at the tenant's own address.
      expect(text).toMatch(
        new RegExp(`De erven van ${t.name.replace('.', '\\.')}\\s*\\n\\s*${t.address.street}`),
      );
      expect(text).toContain(`${t.address.postalCode} ${t.address.city.toUpperCase()}`);
      expect(text).toContain('Geachte nabestaanden,');
      // The stop closed the payment link, and the letter to the estate offers no new one.
      expect(text).not.toContain('Scan om te betalen');
      const view = (await (await cs.street.get(`/v1/receivables/${r.externalId}`)).json()) as {
        cases: { status: string }[];
      };
      expect(view.cases.map((c) => c.status)).toEqual(['stopped']);
    }
    const steps = await cs.db.any(sql.unsafe`
      SELECT s.step_id, s.kind, s.status, s.reason FROM steps s JOIN cases c ON c.id = s.case_id
      JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = ${posted[0]!.externalId} AND s.kind IN ('send', 'due') ORDER BY s.created_at`);
    // The second reminder never became a send; its timer was cancelled by the stop.
    expect(steps.filter((s) => s.kind === 'send').map((s) => [s.step_id, s.status])).toEqual([
      ['reminder', 'sent'],
      ['onDeceased', 'sent'],
    ]);
    expect(steps.filter((s) => s.kind === 'due').every((s) => s.status === 'cancelled')).toBe(true);
  });

  it('a second deceased report sends no second letter to the estate', async () => {
    const before = cs.sftp.files('inbox').length;
    const res = await fetch(`${cs.runtimeUrl}/v1/debtors/${tenants[0]!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deceased: { date: '2026-12-02' } }),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    const letters = await cs.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM messages m JOIN debtors d ON d.id = m.debtor_ref
      WHERE d.debtor_id = ${tenants[0]!.id} AND m.channel_type = 'letter'`);
    expect(Number(letters)).toBe(1);
    expect(cs.sftp.files('inbox')).toHaveLength(before);
  });

  it('two dossiers of one deceased tenant ask for a letter to the estate: exactly one is sent', async () => {
    const tenant = { ...tenants[0]!, id: 'D-EST-3', name: 'E. de Boer' };
    const posted = [receivable({ kind: 'test-estate' }, tenant), receivable({ kind: 'test-estate' }, tenant)];
    for (const r of posted) expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    for (const r of posted) {
      await eventually(
        async () =>
          (await messagesOf(cs, r.externalId)).some(
            (m) => m.channel_type === 'email' && m.status === 'sent',
          ) || undefined,
        20_000,
        'the first reminder of each dossier sent',
      );
    }
    const res = await fetch(`${cs.runtimeUrl}/v1/debtors/${tenant.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deceased: { date: '2026-12-01' } }),
    });
    expect(await res.json()).toMatchObject({ dossiers: 2 });
    const estateSteps = await eventually(
      async () => {
        const rows = await cs.db.any(sql.unsafe`
          SELECT s.status, s.reason FROM steps s JOIN cases c ON c.id = s.case_id
          JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ANY(${sql.array(
            posted.map((r) => r.externalId),
            'text',
          )}) AND s.step_id = 'onDeceased' AND s.kind = 'send'`);
        return rows.length === 2 && rows.every((r) => r.status === 'sent' || r.status === 'skipped')
          ? rows
          : undefined;
      },
      20_000,
      'both estate letters decided',
    );
    expect(estateSteps.map((s) => s.status).sort()).toEqual(['sent', 'skipped']);
    expect(estateSteps.find((s) => s.status === 'skipped')!.reason).toBe(
      'the estate already has its letter (from another dossier of the debtor)',
    );
    const letters = await cs.db.any(sql.unsafe`
      SELECT m.recipient FROM messages m JOIN debtors d ON d.id = m.debtor_ref
      WHERE d.debtor_id = ${tenant.id} AND m.channel_type = 'letter'`);
    expect(letters).toHaveLength(1);
  });
});
