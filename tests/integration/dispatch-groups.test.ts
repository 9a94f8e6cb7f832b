// The dispatcher takes sends from JetStream in groups (OST_DISPATCH_GROUP) and prepares the plain ones of
// a group in one transaction (runtime/dispatch/prepare-group.ts); every other send of the group runs
// through the one-by-one path (prepare-send.ts), which records why it does not go. This suite makes a
// batch whose first sends are queued together while no dispatcher runs — plain sends mixed with sends
// that must not go as plain: debtors who opted out of email, deceased and frozen debtors, a paused case,
// a case stopped under its queued send (with the consultants' alert that follows), a paid receivable, a
// debtor whose newest ERP data has no email address, and duplicate dispatch messages — then starts one
// dispatcher and checks what reached the SMTP sink, what each step records, that the archive holds the
// bytes that were delivered, and that the group path was taken (several messages recorded and archived
// in one transaction). The same mix with OST_DISPATCH_GROUP=1 must end the same way.
// Real Postgres, NATS JetStream and the SMTP sink (erp-api-street.ts); loopback only.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchSubject } from '../../platform/bus/index.js';
import { sql } from '../../platform/db/index.js';
import { readPart } from '../../runtime/archive/index.js';
import { mailHeader } from '../../scripts/street/mail-headers.js';
import { dispatchPointers, POINTER_COLUMNS, pointerOf } from '../support/dispatch-stream.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { eventually, TEST_LINKS } from '../support/street.js';
import { type ErpStreet, send, startErpStreet, testReceivable } from './erp-api-street.js';

// Like erp-api-test (one email thirty minutes after intake), but the dossier stays active after the
// send: its case can be paused, or stopped, while the send waits on JetStream.
const WAIT_FLOW = `
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: dispatch-groups-wait, namespace: outputstraat-base }
spec:
  description: dispatch-groups test - one email thirty minutes after intake, then a long wait.
  trigger: { kinds: [dispatch-groups-wait] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: wait-a-bit, wait: { for: 30m } }
    - { id: reminder, send: { channel: email, template: erp-api-test-email } }
    - { id: wait-long, wait: { for: 30d } }
    - { id: done, stop: { reason: test flow ends } }
  reactions:
    - { event: paid, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: dispatch-groups-wait, namespace: outputstraat-base }
spec:
  priority: 1
  appliesTo: { kinds: [dispatch-groups-wait] }
  rules:
    - { name: dispatch-groups-wait, when: 'true', classification: dispatch-groups-wait, flow: dispatch-groups-wait }
`;

/** What happens to a receivable's first send, and what the one-by-one path records when it does not go. */
type Role = 'plain' | 'optout' | 'deceased' | 'frozen' | 'paused' | 'stopped' | 'paid' | 'noaddress';

const EXPECTED: Record<Role, { status: string; reason: string | null }> = {
  plain: { status: 'sent', reason: null },
  optout: { status: 'skipped', reason: 'the debtor opted out of email' },
  deceased: { status: 'skipped', reason: 'the debtor is deceased' },
  frozen: { status: 'held', reason: 'held: debt-assistance of the debtor' },
  paused: { status: 'held', reason: 'held: the case is paused' },
  stopped: { status: 'skipped', reason: 'case is stopped' },
  paid: { status: 'skipped', reason: 'receivable is paid' },
  noaddress: { status: 'skipped', reason: 'debtor has no address for channel email' },
};

/** Skipped sends say so in the case's timeline, in the one-by-one path's words (prepare-send.ts). */
const notSent = (reason: string) => `Email 'erp-api-test-email' not sent: ${reason}`;

interface Member {
  /** Without the run's prefix: the same name in both runs. */
  name: string;
  externalId: string;
  debtorId: string;
  email: string;
  role: Role;
  /** erp-api-test completes with its send; dispatch-groups-wait stays active after it. */
  kind: 'erp-api-test' | 'dispatch-groups-wait';
}

/** The plain sends queued before all others: a dispatcher takes its first messages one at a time. */
const FIRST = 8;

/** The batch of one run: 44 plain sends and 13 that must not go as plain, one receivable each. */
function batchOf(prefix: string): Member[] {
  const members: Member[] = [];
  const add = (name: string, role: Role, kind: Member['kind'] = 'erp-api-test') => {
    const externalId = `${prefix}-${name}`;
    members.push({
      name,
      externalId,
      debtorId: `D-${externalId}`,
      email: `${externalId.toLowerCase()}@example.org`,
      role,
      kind,
    });
  };
  const n = (i: number) => String(i).padStart(2, '0');
  // The first FIRST plain ones are queued before all others (see `queueTogether`).
  for (let i = 1; i <= 40; i++) add(`plain-${n(i)}`, 'plain');
  for (let i = 1; i <= 4; i++) add(`plain-wait-${n(i)}`, 'plain', 'dispatch-groups-wait');
  for (let i = 1; i <= 3; i++) add(`optout-${i}`, 'optout');
  for (let i = 1; i <= 2; i++) add(`deceased-${i}`, 'deceased');
  for (let i = 1; i <= 2; i++) add(`frozen-${i}`, 'frozen');
  for (let i = 1; i <= 2; i++) add(`paused-${i}`, 'paused', 'dispatch-groups-wait');
  add('stopped-1', 'stopped', 'dispatch-groups-wait');
  add('paid-1', 'paid');
  for (let i = 1; i <= 2; i++) add(`noaddress-${i}`, 'noaddress');
  return members;
}

/** The payment and form tokens of a mail (tokensIn of link-tokens.test.ts). */
function tokensIn(raw: string): string[] {
  const found = decodeQuotedPrintable(raw).matchAll(/\/(?:p|f)\/([A-Za-z0-9_-]{24})(?![A-Za-z0-9_-])/g);
  return [...new Set([...found].map((m) => m[1]!))];
}

interface Outcome {
  name: string;
  role: Role;
  status: string;
  reason: string | null;
  /** Mails the SMTP sink received for the receivable's debtor. */
  mails: number;
  /** The "not sent" sentences of the case's timeline. */
  notSent: string[];
}

interface RunResult {
  outcomes: Outcome[];
  /** The consultants' alert of the stopped case: its step's status and the mails with its message id. */
  alert: { status: string; mails: number };
}

describe('dispatch in groups: a mixed batch queued together', () => {
  let erp: ErpStreet;
  const results = new Map<number, RunResult>();

  beforeAll(async () => {
    // No dispatcher here: the batch waits on JetStream until a test starts one.
    erp = await startErpStreet({
      flows: { 'dispatch-groups.yaml': WAIT_FLOW },
      runtime: { workers: ['intake', 'scheduler'] },
    });
    await eventually(
      async () => erp.street.runtimes[0]!.bundles.get('woonstad-noord')?.flows['dispatch-groups-wait'],
      10_000,
      'the wait flow in the bundle',
    );
  });
  afterAll(async () => {
    await erp?.stop();
  });

  const ok = async (res: Response, what: string) => {
    if (res.status !== 200 && res.status !== 202)
      throw new Error(`${what}: ${res.status} ${await res.text()}`);
  };
  /** Sends waiting for the email dispatchers (nobody takes them yet, so all that is on the stream). */
  const emailPending = async () => dispatchPointers(await jetstreamManager(erp.street.nc), 'email');
  const ids = (members: readonly Member[]) =>
    sql.array(
      members.map((m) => m.externalId),
      'text',
    );

  /** Waits until every one of `members` has a step of `kind` in `status`. */
  async function stepsReach(members: readonly Member[], kind: string, status: string, what: string) {
    await eventually(
      async () => {
        const n = await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ANY(${ids(members)}) AND s.kind = ${kind} AND s.status = ${status}`);
        return Number(n) === members.length || undefined;
      },
      15_000,
      what,
    );
  }

  /** Makes the first timer of `members` due and waits until their sends are queued. */
  async function makeDue(members: readonly Member[]): Promise<void> {
    await erp.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() FROM cases c, receivables r
      WHERE steps.case_id = c.id AND c.receivable_id = r.id AND r.external_id = ANY(${ids(members)})
        AND steps.status = 'scheduled' AND steps.kind = 'due'`);
    await stepsReach(members, 'send', 'queued', `${members.length} sends queued`);
  }

  /**
   * Posts the batch, queues every first send (the first eight plain ones first, so that the dispatcher's
   * first messages — which it takes one at a time while nothing is buffered yet — are plain and the rest
   * arrives in groups), then changes what must stop the refused ones while their sends wait on JetStream.
   * Returns once every dispatch message of the run is on the email consumer.
   */
  async function queueTogether(prefix: string): Promise<Member[]> {
    const members = batchOf(prefix);
    const before = await emailPending();
    for (const m of members) {
      const base = testReceivable(m.externalId, { kind: m.kind });
      await ok(
        await send(erp, 'POST', '/v1/receivables', {
          ...base,
          debtor: { ...base.debtor, id: m.debtorId, email: m.email },
        }),
        `posting ${m.externalId}`,
      );
    }
    await stepsReach(
      members,
      'due',
      'scheduled',
      `${prefix}: ${members.length} receivables with their timer`,
    );
    // Nobody takes from the email consumer yet: what the scheduler queues waits there, in order.
    let expected = 0;
    const waiting = () =>
      eventually(
        async () => (await emailPending()) - before === expected || undefined,
        10_000,
        `${prefix}: ${expected} dispatch messages waiting`,
      );
    // The first eight plain sends first; the sends named twice (below) come last, each with its copy.
    const twice = members.filter((m) => /^plain-1[0-2]$/.test(m.name));
    const rest = members.filter((m) => !twice.includes(m));
    for (const stage of [rest.slice(0, FIRST), rest.slice(FIRST)]) {
      await makeDue(stage);
      expected += stage.length;
      await waiting();
    }

    const today = new Date().toISOString().slice(0, 10);
    const patchDebtor = (m: Member, body: unknown) =>
      send(erp, 'PATCH', `/v1/debtors/${m.debtorId}`, body).then((r) => ok(r, `PATCH ${m.debtorId}`));
    for (const m of members) {
      switch (m.role) {
        case 'optout':
          await patchDebtor(m, { optOuts: { set: ['email'] } });
          break;
        case 'deceased':
        case 'stopped':
          // Completed dossier (deceased): nothing to stop, the dispatcher's debtor gate refuses the send.
          // Active dossier (stopped): the dossier stops and the consultants get an alert.
          await patchDebtor(m, { deceased: { date: today, source: 'gemeente' } });
          break;
        case 'frozen':
          await patchDebtor(m, { debtAssistance: { kind: 'debt-assistance', from: today } });
          break;
        case 'paused':
          await ok(
            await send(erp, 'PATCH', `/v1/receivables/${m.externalId}`, { status: 'paused' }),
            `pausing ${m.externalId}`,
          );
          break;
        case 'paid':
          await ok(
            await send(erp, 'POST', `/v1/receivables/${m.externalId}/payments`, {
              amount: 10_000,
              paymentId: `${m.externalId}-pay`,
            }),
            `paying ${m.externalId}`,
          );
          break;
        case 'noaddress': {
          // The ERP's newest data for this debtor (another receivable) has no email address any more.
          const { email: _email, ...debtor } = testReceivable('x').debtor as Record<string, unknown>;
          await ok(
            await send(erp, 'POST', '/v1/receivables', {
              ...testReceivable(`${m.externalId}-later`, { kind: 'erp-api-test-2' }),
              debtor: { ...debtor, id: m.debtorId },
            }),
            `posting ${m.externalId}-later`,
          );
          break;
        }
        case 'plain':
          break;
      }
    }
    const noaddress = members.filter((m) => m.role === 'noaddress').map((m) => m.debtorId);
    await eventually(
      async () =>
        (await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FILTER (WHERE NOT contact ? 'email') = ${noaddress.length} FROM debtors
          WHERE debtor_id = ANY(${sql.array(noaddress, 'text')})`)) || undefined,
      15_000,
      `${prefix}: the debtors without an email address`,
    );
    const stopped = members.filter((m) => m.role === 'stopped');
    await stepsReach(
      stopped,
      'alert',
      'queued',
      `${prefix}: the consultants' alert of the stopped dossier queued`,
    );

    expected += stopped.length;
    await waiting();
    // Three plain sends named twice on JetStream, the copy right after the original, so that both are
    // likely to arrive in one group (a duplicate message, as a repeated publish would make).
    const js = jetstream(erp.street.nc);
    for (const m of twice) {
      await makeDue([m]);
      expected += 1;
      await waiting();
      const d = await erp.db.one(sql.unsafe`
        SELECT ${POINTER_COLUMNS}
        FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
        WHERE r.external_id = ${m.externalId} AND s.kind = 'send'`);
      await js.publish(dispatchSubject(String(d.corporation), 'email'), JSON.stringify(pointerOf(d)));
      expected += 1;
    }
    await waiting();
    return members;
  }

  /** Waits until no send or alert of the run is queued or in flight, and every sent mail arrived. */
  async function settle(prefix: string, members: readonly Member[]): Promise<void> {
    const plain = members.filter((m) => m.role === 'plain');
    await eventually(
      async () => {
        const row = await erp.db.one(sql.unsafe`
          SELECT
            (SELECT count(*) FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
             WHERE r.external_id LIKE ${`${prefix}-%`} AND s.kind IN ('send', 'alert')
               AND (s.status IN ('queued', 'claimed') OR (s.status = 'scheduled' AND s.due_at <= now()))) AS busy,
            (SELECT count(*) FROM messages m JOIN receivables r ON r.id = m.receivable_id
             WHERE r.external_id LIKE ${`${prefix}-%`} AND m.status = 'sending') AS sending,
            (SELECT count(*) FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
             WHERE r.external_id LIKE ${`${prefix}-%`} AND s.kind = 'alert' AND s.status = 'sent') AS alerts`);
        const arrived = plain.every((m) => erp.street.smtp.messages.some((x) => x.to.includes(m.email)));
        return (
          (Number(row.busy) === 0 && Number(row.sending) === 0 && Number(row.alerts) === 1 && arrived) ||
          undefined
        );
      },
      30_000,
      `${prefix}: every send of the batch settled`,
    );
  }

  /** What happened to each receivable's first send, and to the alert. */
  async function outcomesOf(prefix: string, members: readonly Member[]): Promise<RunResult> {
    const rows = await erp.db.any(sql.unsafe`
      SELECT r.external_id, s.status, s.reason, c.timeline
      FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = ANY(${ids(members)}) AND s.kind = 'send'`);
    const byId = new Map(rows.map((r) => [r.external_id as string, r]));
    const outcomes = members.map((m) => {
      const row = byId.get(m.externalId);
      const timeline = (row?.timeline ?? []) as unknown as { text: string }[];
      return {
        name: m.name,
        role: m.role,
        status: (row?.status as string | undefined) ?? 'missing',
        reason: (row?.reason as string | null | undefined) ?? null,
        mails: erp.street.smtp.messages.filter((x) => x.to.includes(m.email)).length,
        notSent: timeline.map((t) => t.text).filter((t) => t.includes('not sent')),
      };
    });
    const alert = await erp.db.one(sql.unsafe`
      SELECT s.status, m.id AS message_id
      FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
        LEFT JOIN messages m ON m.step_row_id = s.id
      WHERE r.external_id LIKE ${`${prefix}-%`} AND s.kind = 'alert'`);
    const alertMails = erp.street.smtp.messages.filter(
      (x) => mailHeader(x.raw, 'X-Outputstraat-Message-Id') === alert.message_id,
    ).length;
    return { outcomes, alert: { status: alert.status as string, mails: alertMails } };
  }

  /** Assertions 1: what went out, exactly once, and what each refused send recorded. */
  function expectOutcomes(result: RunResult): void {
    for (const o of result.outcomes) {
      const want = EXPECTED[o.role];
      expect({ name: o.name, status: o.status }).toEqual({ name: o.name, status: want.status });
      if (o.role === 'plain') {
        expect(o.mails, `${o.name}: mails at the sink`).toBe(1);
        expect(o.notSent, o.name).toEqual([]);
      } else {
        expect(o.mails, `${o.name}: must not reach the sink`).toBe(0);
        expect(o.reason, o.name).toBe(want.reason);
        // A skipped send says why in the timeline; a held one waits silently for its release.
        if (want.status === 'skipped') expect(o.notSent, o.name).toEqual([notSent(want.reason!)]);
        else expect(o.notSent, o.name).toEqual([]);
      }
    }
    expect(result.alert).toEqual({ status: 'sent', mails: 1 });
  }

  /** The messages of the run's plain sends, with whether their archive committed in their transaction. */
  async function plainMessages(members: readonly Member[]) {
    return erp.db.any(sql.unsafe`
      SELECT m.id, r.external_id, m.status,
        count(*) OVER (PARTITION BY m.created_at) AS together,
        p.created_at = m.created_at AS archived_together,
        p.created_at > m.created_at AS archived_later
      FROM messages m JOIN receivables r ON r.id = m.receivable_id
        JOIN message_parts p ON p.message_id = m.id AND p.part = 'eml'
      WHERE r.external_id = ANY(${ids(members.filter((m) => m.role === 'plain'))})
      ORDER BY r.external_id`);
  }

  /**
   * The receivables without an address whose payment link was made in the transaction of a plain message
   * of the run: the group path renders a send (making its links) before it finds there is no address, and
   * leaves it to the one-by-one path; one by one, the link is made in a transaction that records nothing.
   */
  async function linksMadeInAGroup(prefix: string, members: readonly Member[]): Promise<string[]> {
    return (await erp.db.anyFirst(sql.unsafe`
      SELECT DISTINCT r.external_id FROM links l JOIN receivables r ON r.id = l.receivable_id
      WHERE r.external_id = ANY(${ids(members.filter((m) => m.role === 'noaddress'))})
        AND EXISTS (SELECT 1 FROM messages m JOIN receivables mr ON mr.id = m.receivable_id
                    WHERE mr.external_id LIKE ${`${prefix}-plain-%`} AND m.created_at = l.created_at)
      ORDER BY 1`)) as string[];
  }

  /** Assertions 2: the archive holds the delivered bytes; no link token is stored in plain text. */
  async function expectArchiveIsDelivery(prefix: string, members: readonly Member[]): Promise<void> {
    const plain = members.filter((m) => m.role === 'plain');
    const messages = await plainMessages(members);
    expect(messages).toHaveLength(plain.length);
    const tokens: string[] = [];
    for (const m of messages) {
      expect(m.status).toBe('sent');
      const mail = erp.street.smtp.messages.find(
        (x) => mailHeader(x.raw, 'X-Outputstraat-Message-Id') === m.id,
      );
      expect(mail, `${m.external_id}: the mail with its message id`).toBeDefined();
      const eml = await readPart(erp.db, TEST_LINKS, m.id as string, 'eml');
      expect(eml, `${m.external_id}: archived`).toBeDefined();
      expect(eml!.body.equals(Buffer.from(mail!.raw, 'utf8')), `${m.external_id}: archive = delivery`).toBe(
        true,
      );
      const found = tokensIn(mail!.raw);
      expect(found.length, `${m.external_id}: a payment link in the mail`).toBeGreaterThan(0);
      tokens.push(...found);
    }
    expect(new Set(tokens).size).toBe(plain.length);
    // The runtime's archive API serves the same bytes.
    for (const m of messages.slice(0, 3)) {
      const res = await send(erp, 'GET', `/v1/messages/${m.id as string}/content`);
      expect(res.status).toBe(200);
      const raw = Buffer.from(await res.arrayBuffer());
      expect(erp.street.smtp.messages.some((x) => Buffer.from(x.raw, 'utf8').equals(raw))).toBe(true);
    }
    // Stored content and archived parts of the run: sealed, no token in plain text.
    const stored = await erp.db.any(sql.unsafe`
      SELECT m.content::text AS content, p.body
      FROM messages m JOIN receivables r ON r.id = m.receivable_id
        LEFT JOIN message_parts p ON p.message_id = m.id
      WHERE r.external_id LIKE ${`${prefix}-%`}`);
    expect(stored.length).toBeGreaterThan(plain.length);
    const leaks: string[] = [];
    for (const row of stored) {
      const body = row.body ? (row.body as Buffer).toString('latin1') : '';
      for (const token of tokens) {
        if ((row.content as string).includes(token)) leaks.push(`messages.content holds ${token}`);
        if (body.includes(token)) leaks.push(`message_parts.body holds ${token}`);
      }
    }
    expect(leaks).toEqual([]);
  }

  /** The mix queued under `prefix`, sent by a dispatcher with groups of `groupSize`, its outcomes checked. */
  async function runMix(
    prefix: string,
    groupSize: number,
    check: (members: Member[], result: RunResult) => Promise<void>,
  ): Promise<void> {
    const members = await queueTogether(prefix);
    // 64 emails in progress: four groups of 16 taken at a time, so the batches fill as this test expects.
    const dispatcher = await erp.street.startRuntime({
      workers: ['dispatch'],
      dispatchGroup: groupSize,
      dispatchConcurrencyEmail: 64,
    });
    try {
      await settle(prefix, members);
      const result = await outcomesOf(prefix, members);
      results.set(groupSize, result);
      expectOutcomes(result);
      await expectArchiveIsDelivery(prefix, members);
      await check(members, result);
    } finally {
      // The next run's batch must wait on JetStream for its own dispatcher.
      await dispatcher.close();
    }
  }

  it('OST_DISPATCH_GROUP=16: the plain sends go out once each, the others do not and say why; archived as delivered', async () => {
    await runMix('G16', 16, async (members) => {
      const prefix = 'G16';
      // 3. The group path was taken: several messages share their transaction's start (messages.created_at
      // defaults to now()), and their archive committed in that same transaction. A message prepared alone
      // is archived when it is handed over, in a later transaction.
      const messages = await plainMessages(members);
      const grouped = messages.filter((m) => Number(m.together) > 1);
      expect(grouped.length, 'plain messages recorded together with others').toBeGreaterThan(1);
      for (const m of grouped)
        expect(m.archived_together, `${m.external_id} archived in its group`).toBe(true);
      // Each message went one way or the other; only the dispatcher's first messages — taken one at a
      // time while nothing was buffered yet, all among the first plain sends queued — went alone. Every
      // later send was prepared by a group, also those whose group held a refused send or a duplicate
      // (a group whose transaction failed would have sent its messages one by one).
      const first = new Set(members.slice(0, FIRST).map((m) => m.externalId));
      for (const m of messages) {
        expect(m.archived_together !== m.archived_later, String(m.external_id)).toBe(true);
        if (!first.has(m.external_id as string))
          expect(m.archived_together, `${m.external_id} prepared in a group`).toBe(true);
      }
      // A message archived in its group is stored without the bodies its eml part holds (written once);
      // one prepared alone keeps them until it is handed over (record-message.ts, withoutArchivedBodies).
      const bodies = await erp.db.any(sql.unsafe`
        SELECT id, content ? 'html' AS html, content ? 'text' AS text, content ? 'subject' AS subject
        FROM messages WHERE id = ANY(${sql.array(
          messages.map((m) => m.id as string),
          'uuid',
        )})`);
      const archivedTogether = new Set(messages.filter((m) => m.archived_together).map((m) => m.id));
      for (const b of bodies) {
        expect(b.subject, `${b.id}: subject kept`).toBe(true);
        if (archivedTogether.has(b.id))
          expect([b.html, b.text], `${b.id}: no bodies`).toEqual([false, false]);
        else expect(b.html || b.text, `${b.id}: bodies kept`).toBe(true);
      }
      const sizes = new Map<number, number>();
      for (const m of grouped) sizes.set(Number(m.together), (sizes.get(Number(m.together)) ?? 0) + 1);
      // A refused send went through a group too: the sends without an address were rendered with plain
      // ones (their links made in the group's transaction) before the one-by-one path recorded the skip.
      const refusedInAGroup = await linksMadeInAGroup(prefix, members);
      expect(refusedInAGroup.length, 'a send without an address prepared in a group').toBeGreaterThan(0);
      console.info(
        `dispatch-groups: ${grouped.length} of ${messages.length} plain messages recorded in groups`,
        Object.fromEntries([...sizes].map(([size, n]) => [`of ${size}`, n / size])),
        `; sends without an address rendered in a group: ${refusedInAGroup.join(', ')}`,
      );
    });
  });

  it('OST_DISPATCH_GROUP=1: the same mix one by one ends exactly the same way', async () => {
    await runMix('G1', 1, async (members, result) => {
      const prefix = 'G1';
      // One by one: every message has its own transaction, and its archive follows at the hand-over.
      const messages = await plainMessages(members);
      for (const m of messages) expect(m.archived_later, `${m.external_id} archived at hand-over`).toBe(true);
      expect(await linksMadeInAGroup(prefix, members)).toEqual([]);

      // 4. Only how fast differs: the same sends went out, the same ones did not, for the same reasons.
      const grouped = results.get(16);
      expect(grouped, 'the run with groups of 16').toBeDefined();
      expect(result).toEqual(grouped);
    });
  });
});
