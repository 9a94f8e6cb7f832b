// The 14-day letter and statutory costs on a real street (Postgres, NATS JetStream, the SMTP sink), with the
// runtime's clock moved to let the term pass (docs/collections-law.md § 7): the letter by email states its
// computed deadline and costs; unpaid after the term, the costs become a cost line, a `costs.added` event on
// the feed and part of the next mail's total, and the evidence summary says they were charged. A debtor in
// debt assistance during the term is charged nothing, also after the freeze.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateKey } from '../../core/calendar/index.js';
import type { CostLine, NoticeRecord } from '../../core/engine/index.js';
import { fourteenDayTerm } from '../../core/law/index.js';
import { formatDate } from '../../core/render/index.js';
import { sql } from '../../platform/db/index.js';
import { mailHeader } from '../../scripts/street/mail-headers.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { eventually } from '../support/street.js';
import { type ErpStreet, send, startErpStreet, testReceivable } from './erp-api-street.js';

const DAY = 24 * 3600_000;

const COSTS_FLOW = `
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: costs-test, namespace: outputstraat-base }
spec:
  description: Costs test - the 14-day letter by email, its term, the costs, then a mail with the total.
  trigger: { kinds: [costs-test] }
  channels: { fallback: [email] }
  steps:
    - { id: notice, send: { channel: email, template: costs-test-notice, notice: fourteenDay } }
    - { id: wait-term, wait: { for: 15d } }
    - { id: add-costs, addCosts: { basis: statutory } }
    - id: costs-or-not
      branch:
        cases:
          - { when: case.costsAdded == 0, goto: rest }
    - { id: after, send: { channel: email, template: costs-test-after } }
    - { id: rest, wait: { for: 1d } }
  reactions:
    - { event: paid, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: costs-test-notice, namespace: outputstraat-base }
spec:
  channel: email
  locales:
    nl:
      subject: 'Aanmaning {{receivable.externalId}}'
      text: 'Betaal {{money dossier.total dossier.currency}} uiterlijk op {{notice.deadline}}. Anders rekenen wij {{notice.costs}} incassokosten.'
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: costs-test-after, namespace: outputstraat-base }
spec:
  channel: email
  locales:
    nl:
      subject: 'Incassokosten {{receivable.externalId}}'
      text: 'Achterstand {{money dossier.principal dossier.currency}}, incassokosten {{money dossier.costs dossier.currency}}, totaal {{dossierTotal}}.'
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: costs-test, namespace: outputstraat-base }
spec:
  priority: 1
  appliesTo: { kinds: [costs-test] }
  rules:
    - { name: costs-test, when: 'true', classification: costs-test, flow: costs-test }
`;

describe('the 14-day letter and statutory costs on the street', () => {
  let erp: ErpStreet;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const work = mkdtempSync(join(tmpdir(), 'ost-costs-'));
  beforeAll(async () => {
    erp = await startErpStreet({ clock, flows: { 'costs-test.yaml': COSTS_FLOW } });
  });
  afterAll(async () => {
    await erp?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const post = async (externalId: string, debtorId: string, amount: number) => {
    const base = testReceivable(externalId, { kind: 'costs-test', amount });
    const res = await send(erp, 'POST', '/v1/receivables', {
      ...base,
      debtor: { ...base.debtor, id: debtorId },
    });
    expect(res.status).toBe(202);
  };
  const mail = (subject: string) =>
    eventually(
      async () => {
        const m = erp.street.smtp.messages.find((x) => mailHeader(x.raw, 'Subject') === subject);
        return m ? decodeQuotedPrintable(m.raw) : undefined;
      },
      15_000,
      `the mail "${subject}"`,
    );
  const caseOf = async (externalId: string) =>
    (await erp.db.one(sql.unsafe`
      SELECT c.id, c.status, c.state FROM cases c JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = ${externalId}`)) as {
      id: string;
      status: string;
      state: { notice?: NoticeRecord; costs?: CostLine[] };
    };
  /** The feed's events of a type about one receivable; the feed shows a transaction once all before it ended. */
  const feed = async (type: string, externalId: string, wanted = 1) =>
    eventually(
      async () => {
        const res = await send(erp, 'GET', `/v1/events?type=${type}&limit=1000`);
        const { events } = (await res.json()) as {
          events: { externalId: string; data: Record<string, unknown> }[];
        };
        const mine = events.filter((e) => e.externalId === externalId);
        return mine.length >= wanted ? mine : undefined;
      },
      10_000,
      `${wanted} ${type} event(s) of ${externalId} on the feed`,
    );
  const feedNow = async (type: string, externalId: string) => {
    const res = await send(erp, 'GET', `/v1/events?type=${type}&limit=1000`);
    const { events } = (await res.json()) as { events: { externalId: string }[] };
    return events.filter((e) => e.externalId === externalId);
  };

  it('the letter by email states its computed deadline and costs; unpaid after the term the costs are added and the next mail shows principal + costs', async () => {
    await post('COSTS-1', 'DEB-COSTS-1', 62_079);
    const notice = await mail('Aanmaning COSTS-1');
    const recorded = (await caseOf('COSTS-1')).state.notice!;
    // Email: received the day it was sent; 14 days from the next day (Algemene termijnenwet applied).
    const term = fourteenDayTerm(new Date(recorded.sentAt), 'email');
    expect(recorded).toMatchObject({
      channelType: 'email',
      assumedReceiptOn: localDateKey(term.sentOn),
      deadline: localDateKey(term.lastDay),
      principalCents: 62_079,
      costsCents: 9_311,
      items: [{ externalId: 'COSTS-1', principalCents: 62_079 }],
    });
    const deadline = formatDate(recorded.deadline, 'nl', 'long', 'Europe/Amsterdam');
    expect(notice).toContain(
      `Betaal € 620,79 uiterlijk op ${deadline}. Anders rekenen wij € 93,11 incassokosten.`,
    );
    expect((await feed('notice.recorded', 'COSTS-1'))[0]?.data).toMatchObject({
      deadline: recorded.deadline,
      costsCents: 9_311,
      items: ['COSTS-1'],
    });

    // Past the deadline, unpaid: the costs are added and the next mail states principal, costs and total.
    offset += 21 * DAY;
    const after = await mail('Incassokosten COSTS-1');
    expect(after).toContain('Achterstand € 620,79, incassokosten € 93,11, totaal € 713,90.');
    const c = await caseOf('COSTS-1');
    expect(c.state.costs).toEqual([
      expect.objectContaining({
        basis: 'statutory',
        amountCents: 9_311,
        principalCents: 62_079,
        items: ['COSTS-1'],
      }),
    ]);
    expect((await feed('costs.added', 'COSTS-1')).map((e) => e.data)).toEqual([
      expect.objectContaining({
        basis: 'statutory',
        amountCents: 9_311,
        vatCents: 0,
        principalCents: 62_079,
      }),
    ]);

    // The ERP sees the letter and the costs on the debtor's dossier.
    const debtor = (await (await send(erp, 'GET', '/v1/debtors/DEB-COSTS-1')).json()) as {
      dossiers: { id: string; notice: unknown; costs: number }[];
    };
    expect(debtor.dossiers.find((d) => d.id === c.id)).toMatchObject({
      notice: { deadline: recorded.deadline, costs: 9_311, voided: null },
      costs: 9_311,
    });

    // The evidence summary says the costs were charged, with the letter's dates.
    const res = await send(erp, 'GET', `/v1/dossiers/${c.id}/evidence`);
    expect(res.status).toBe(200);
    const zip = join(work, 'costs.zip');
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    execFileSync('unzip', ['-q', zip, 'summary.pdf', '-d', work]);
    const text = execFileSync('pdftotext', ['-layout', join(work, 'summary.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toMatch(new RegExp(`Deadline \\(last day to pay\\)\\s+${recorded.deadline}`));
    expect(text).toMatch(/Collection costs\s+€ 93,11/);
    expect(text).toMatch(/Total with costs\s+€ 713,90/);
    expect(text).toContain('Charged: € 93,11 added');
  });

  it('debt assistance reported during the term: no costs while frozen, and none after the freeze either', async () => {
    await post('COSTS-2', 'DEB-COSTS-2', 30_000);
    await mail('Aanmaning COSTS-2');
    expect((await caseOf('COSTS-2')).state.notice).toMatchObject({ costsCents: 4_500 });
    const from = clock().toISOString().slice(0, 10);
    const frozen = await send(erp, 'PATCH', '/v1/debtors/DEB-COSTS-2', {
      debtAssistance: { kind: 'debt-assistance', from },
    });
    expect(frozen.status).toBe(200);
    expect((await caseOf('COSTS-2')).status).toBe('paused');

    // The term passes while frozen: nothing is added, nothing is sent.
    offset += 21 * DAY;
    await new Promise((r) => setTimeout(r, 1_000));
    const during = await caseOf('COSTS-2');
    expect(during.status).toBe('paused');
    expect(during.state.costs ?? []).toEqual([]);
    expect(during.state.notice?.voided).toContain('debt assistance');

    // The freeze ends: the flow decides again, and the voided letter supports no costs.
    const cleared = await send(erp, 'PATCH', '/v1/debtors/DEB-COSTS-2', { debtAssistance: null });
    expect(cleared.status).toBe(200);
    const skipped = await feed('step.skipped', 'COSTS-2');
    expect(skipped.map((e) => e.data.reason)).toContainEqual(
      expect.stringContaining('send a new 14-day letter'),
    );
    // No costs, so no costs mail: the flow's last wait ends and the dossier completes.
    offset += 2 * DAY;
    await eventually(
      async () => ((await caseOf('COSTS-2')).status === 'completed' ? true : undefined),
      15_000,
      'the dossier completes after the freeze',
    );
    expect((await caseOf('COSTS-2')).state.costs ?? []).toEqual([]);
    expect(await feedNow('costs.added', 'COSTS-2')).toEqual([]);
    expect(
      erp.street.smtp.messages.some((m) => mailHeader(m.raw, 'Subject') === 'Incassokosten COSTS-2'),
    ).toBe(false);
  });
});
