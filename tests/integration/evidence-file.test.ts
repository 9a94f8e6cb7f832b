// The evidence file of a dossier with an email, an SMS, a registered letter (delivered, per the print
// provider's return file) and a payment: one ZIP that a real `unzip` opens, whose manifest hashes match
// every file, whose messages are the archived bytes as sent, and whose summary PDF (pdftotext, and one
// page rendered with pdftoppm) shows what a bailiff needs: among it the registered letter's 14-day term
// (sent, assumed receipt, deadline) and the statutory costs it announced (principal, scale, VAT, amount).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateKey } from '../../core/calendar/index.js';
import type { NoticeRecord } from '../../core/engine/index.js';
import { fourteenDayTerm } from '../../core/law/index.js';
import { cli } from '../../operator/cli/test-kit.js';
import { sql } from '../../platform/db/index.js';
import { createLogger } from '../../platform/log.js';
import { environmentSecrets } from '../../platform/secrets.js';
import { PrintReturnWorker } from '../../runtime/channels/print-returns.js';
import { DEMO_KEY, eventually } from '../support/street.js';
import {
  type ChannelStreet,
  historyOf,
  messagesOf,
  receivable,
  startChannelStreet,
} from './channels-fixture.js';

const evidenceFlow = `apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: evidence-test, namespace: outputstraat-base }
spec:
  priority: 6
  appliesTo: { kinds: [test-evidence] }
  rules:
    - { name: test-evidence, when: "receivable.kind == 'test-evidence'", classification: test-evidence, flow: test-evidence }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: test-evidence, namespace: outputstraat-base }
spec:
  trigger: { kinds: [test-evidence], classifications: [test-evidence] }
  channels: { fallback: [email] }
  steps:
    - id: mail
      send: { channel: email, template: storno-email }
    - id: text
      send: { channel: sms, template: storno-sms }
    - id: letter
      send: { channel: letter, template: storno-letter, registered: true, notice: fourteenDay }
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
`;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

describe('the evidence file of a dossier', () => {
  let cs: ChannelStreet;
  const work = mkdtempSync(join(tmpdir(), 'ost-evidence-'));
  beforeAll(async () => {
    cs = await startChannelStreet({ 'evidence-flow.yaml': evidenceFlow });
  });
  afterAll(async () => {
    await cs?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('opens with unzip, its manifest hashes match, its messages are as sent and its summary shows what a bailiff needs', async () => {
    // Two dossiers, so the print batch (maxLetters 2) is uploaded; the first is the one under test.
    const posted = [
      receivable({ kind: 'test-evidence' }, { id: 'D-EV-1' }),
      receivable({ kind: 'test-evidence' }, { id: 'D-EV-2', name: 'M. Jansen' }),
    ];
    for (const r of posted) expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    const r = posted[0]!;
    const sent = await eventually(
      async () => {
        const ms = await messagesOf(cs, r.externalId);
        return ['email', 'sms', 'letter'].every((t) =>
          ms.some((m) => m.channel_type === t && m.status === 'sent'),
        )
          ? ms
          : undefined;
      },
      20_000,
      'email, SMS and letter sent',
    );
    const letter = sent.find((m) => m.channel_type === 'letter')!;
    await eventually(
      async () => (await historyOf(cs, letter.id)).some((h) => h.status === 'handed-to-print') || undefined,
      10_000,
      'the letter handed to print',
    );
    cs.sftp.write(
      'returns/track.csv',
      `messageId,trackingNumber,status,date\n${letter.id},3SOSTEV0000001,delivered,2026-12-03\n`,
    );
    const returns = new PrintReturnWorker(
      {
        db: cs.db,
        bundles: cs.bundles,
        secrets: environmentSecrets(process.env),
        log: createLogger('ev', 'silent'),
      },
      60_000,
    );
    expect(await returns.runOnce()).toEqual([{ file: 'track.csv', recorded: 1, refused: 0 }]);
    // The ERP reports a two-term plan; the payment below is matched to its first term.
    const due = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const planned = await fetch(`${cs.runtimeUrl}/v1/receivables/${r.externalId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        arrangement: {
          reference: 'EV-PLAN-1',
          terms: [
            { dueOn: due(20), amount: 20_000 },
            { dueOn: due(50), amount: 42_079 },
          ],
        },
      }),
    });
    expect(planned.status).toBe(200);
    const paid = await cs.street.post(`/v1/receivables/${r.externalId}/payments`, {
      paymentId: 'EV-PAY-1',
      amount: 20_000,
      paidAt: '2026-12-02T10:00:00Z',
    });
    expect(paid.status).toBeLessThan(300);

    const view = (await (await cs.street.get(`/v1/receivables/${r.externalId}`)).json()) as {
      cases: { id: string }[];
    };
    const caseId = view.cases[0]!.id;
    const res = await cs.street.get(`/v1/dossiers/${caseId}/evidence`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zipPath = join(work, 'evidence.zip');
    writeFileSync(zipPath, Buffer.from(await res.arrayBuffer()));

    // A real unzip opens it (and tests every member's CRC).
    execFileSync('unzip', ['-tq', zipPath]);
    const out = join(work, 'x');
    execFileSync('unzip', ['-q', zipPath, '-d', out]);
    const files = filesUnder(out);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      dossier: string;
      algorithm: string;
      files: { path: string; bytes: number; sha256: string }[];
    };
    expect(manifest.dossier).toBe(caseId);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files.filter((f) => f !== 'manifest.json'));
    for (const f of manifest.files) {
      const body = readFileSync(join(out, f.path));
      expect({ path: f.path, sha256: sha256(body), bytes: body.length }).toEqual({
        path: f.path,
        sha256: f.sha256,
        bytes: f.bytes,
      });
    }

    // Every message's parts are the archive's bytes as sent: the same as GET /v1/messages/{id}/content.
    for (const m of sent) {
      const dir = files.find((f) => f.includes(m.id) && f.endsWith('proof.json'))!;
      expect(dir, `a folder for the ${m.channel_type}`).toBeDefined();
      const primary = { email: 'eml.eml', sms: 'sms.txt', letter: 'pdf.pdf' }[m.channel_type as 'email']!;
      const part = readFileSync(join(out, dir.replace('proof.json', primary)));
      const archived = Buffer.from(await (await cs.street.get(`/v1/messages/${m.id}/content`)).arrayBuffer());
      expect(sha256(part)).toBe(sha256(archived));
      const proof = JSON.parse(readFileSync(join(out, dir), 'utf8')) as {
        providerId: string | null;
        history: { status: string; detail: Record<string, unknown> | null }[];
        printManifestLine?: { registered: boolean; file: string };
      };
      expect(proof.providerId).toBeTruthy();
      expect(proof.history.map((h) => h.status)).toContain('sent');
      if (m.channel_type === 'letter') {
        expect(proof.printManifestLine).toMatchObject({ registered: true });
        expect(proof.history.find((h) => h.status === 'registered.delivered')?.detail).toMatchObject({
          trackingNumber: '3SOSTEV0000001',
          date: '2026-12-03',
        });
      }
    }

    // dossier.json holds the plan as data, the payment matched to its first instalment.
    const dossierJson = JSON.parse(readFileSync(join(out, 'dossier.json'), 'utf8')) as {
      arrangements: {
        kind: string;
        source: string;
        status: string;
        terms: { dueOn: string; amount: number; paid: number }[];
      }[];
    };
    expect(dossierJson.arrangements).toMatchObject([
      {
        kind: 'plan',
        source: 'erp',
        status: 'running',
        terms: [
          { dueOn: due(20), amount: 20_000, paid: 20_000 },
          { dueOn: due(50), amount: 42_079, paid: 0 },
        ],
      },
    ]);

    // The letter is the 14-day letter: the dossier recorded its term, computed by core/law from when it was sent.
    const notice = (await cs.db.oneFirst(
      sql.unsafe`SELECT state -> 'notice' FROM cases WHERE id = ${caseId}`,
    )) as NoticeRecord;
    const term = fourteenDayTerm(new Date(notice.sentAt), 'letter');
    expect(notice).toMatchObject({
      channelType: 'letter',
      sentOn: localDateKey(term.sentOn),
      assumedReceiptOn: localDateKey(term.assumedReceiptOn),
      deadline: localDateKey(term.lastDay),
      principalCents: 62_079,
      costsCents: 9_311,
    });

    // The summary, as text: the debtor, the amounts, the cost calculation, the payment, the proof, the timeline.
    const text = execFileSync('pdftotext', ['-layout', join(out, 'summary.pdf'), '-'], { encoding: 'utf8' });
    for (const expected of [
      `Dossier ${caseId}`,
      'K. Balogun',
      'D-EV-1',
      'Vismarkt 12a',
      '9712 CA Groningen',
      r.externalId,
      '€ 620,79',
      '€ 200,00',
      '€ 420,79',
      // The 14-day letter's dates and the costs it announced: 15 % of € 620,79, no VAT, not charged (yet).
      '14-day letter (art. 6:96 lid 6 BW)',
      'Statutory collection costs (BIK), as announced in the 14-day letter',
      'Principal',
      '15 % of € 620,79',
      'VAT: no',
      'Amount',
      '€ 93,11',
      'Charged: no costs were added to this dossier.',
      'EV-PAY-1',
      'registered letter delivered on 2026-12-03, tracking number 3SOSTEV0000001',
      'handed to the print provider',
      'Timeline',
    ]) {
      expect(text, expected).toContain(expected);
    }
    // Table rows: label and value in their columns.
    expect(text).toMatch(new RegExp(`Sent\\s+${notice.sentOn} by letter`));
    expect(text).toMatch(
      new RegExp(`Assumed receipt\\s+${notice.assumedReceiptOn} \\(letter: received on the second postal`),
    );
    expect(text).toMatch(new RegExp(`Deadline \\(last day to pay\\)\\s+${notice.deadline}`));
    expect(text).toMatch(/Amount\s+€ 93,11/);
    // The arrangement history: the plan, who made it, its status, and per instalment due date, amount, paid.
    expect(text).toContain('Payment arrangements and promises to pay');
    expect(text).toMatch(
      /Payment plan for \S+, made \d{4}-\d\d-\d\d via ERP \(EV-PLAN-1\): € 620,79, status running/,
    );
    expect(text).toMatch(new RegExp(`1\\s+${due(20)}\\s+€ 200,00\\s+€ 200,00`));
    expect(text).toMatch(new RegExp(`2\\s+${due(50)}\\s+€ 420,79\\s+€ 0,00`));
    expect(text).not.toContain('M. Jansen');
    // One page as a picture, to look at (docs/screenshots/evidence-summary.png is such a page).
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      join(out, 'summary.pdf'),
      join(work, 'page'),
    ]);
    expect(statSync(join(work, 'page.png')).size).toBeGreaterThan(10_000);
    if (process.env.OST_EVIDENCE_PNG)
      writeFileSync(process.env.OST_EVIDENCE_PNG, readFileSync(join(work, 'page.png')));

    // The CLI writes the same evidence file over the API (only its creation time, and so the PDF and manifest, differ).
    const run = await cli(
      work,
      'dossiers',
      'evidence',
      caseId,
      '--file',
      'cli.zip',
      '--server',
      cs.runtimeUrl,
      '--api-key',
      DEMO_KEY,
    );
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain(`wrote the evidence file of dossier ${caseId} to cli.zip`);
    const listing = execFileSync('unzip', ['-Z1', join(work, 'cli.zip')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    expect(listing).toEqual(files);
    const wrong = await cli(
      work,
      'dossiers',
      'evidence',
      caseId,
      '--file',
      'no.zip',
      '--server',
      cs.runtimeUrl,
      '--api-key',
      'not-a-key',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/^error OST_ERR_UNAUTHORIZED/);
    expect(existsSync(join(work, 'no.zip'))).toBe(false);

    // Unknown or malformed dossier ids are 404, as a dossier of another corporation is (isolation matrix).
    expect((await cs.street.get('/v1/dossiers/00000000-0000-4000-8000-000000000000/evidence')).status).toBe(
      404,
    );
    expect((await cs.street.get('/v1/dossiers/..%2F..%2Fetc/evidence')).status).toBe(404);
  });
});
