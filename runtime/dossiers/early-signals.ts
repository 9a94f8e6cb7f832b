// Early signals of rent arrears (docs/collections-law.md § 4): per running dossier of a corporation that
// switched them on, the facts of core/law's earlySignalDue are read from Postgres — the arrears of the
// dossier's items, the first written reminder that offered the signal (a template listed in
// spec.collections.earlySignal.offerTemplates, sent by letter or email), a contact attempt (recorded by the
// ERP, or a call the street placed), the tenant's objection — and an `early_signals` row is made once
// per dossier (case_id is unique) with the event `earlySignal.created`. The debtor's row is locked while
// deciding, and the objection route takes the same lock, so an objection and a signal never cross.
import { type EarlySignalFacts, earlySignalDue } from '../../core/law/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { appendTimeline, insertEvents, type Tx } from './case-repository.js';

/** One receivable of a dossier and what is still open on it. */
export interface DossierItem {
  receivableId: string;
  externalId: string;
  balanceCents: number;
  amountCents: number;
  dueDate: string;
}

/**
 * The receivables a dossier covers now, as facts for the early signal and the evidence file: a
 * per-debtor dossier's current items (case_items without left_at), else the case's own receivable (a
 * per-receivable case has no case_items rows, docs/adr/0007). The dispatcher reads items with their
 * payload and statuses through debtor-dossiers.ts.
 */
export async function dossierReceivables(db: Database | Tx, caseId: string): Promise<DossierItem[]> {
  const rows = await db.any(sql.unsafe`
    SELECT r.id, r.external_id, r.balance_minor, r.amount_minor, r.due_date::text AS due_date
    FROM receivables r
    WHERE r.id IN (SELECT ci.receivable_id FROM case_items ci WHERE ci.case_id = ${caseId} AND ci.left_at IS NULL)
       OR (NOT EXISTS (SELECT 1 FROM case_items ci WHERE ci.case_id = ${caseId})
           AND r.id = (SELECT c.receivable_id FROM cases c WHERE c.id = ${caseId}))
    ORDER BY r.due_date, r.external_id`);
  return rows.map((r) => ({
    receivableId: r.id as string,
    externalId: r.external_id as string,
    balanceCents: Number(r.balance_minor),
    amountCents: Number(r.amount_minor),
    dueDate: r.due_date as string,
  }));
}

export interface CreatedSignal {
  id: string;
  corporation: string;
  caseId: string;
  arrearsCents: number;
  arrearsTerms: number;
}

const date = (v: unknown) => (v === null || v === undefined ? undefined : new Date(v as string));
const euros = (cents: number) =>
  `€ ${(cents / 100).toLocaleString('nl-NL', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The facts of one dossier, read under the debtor's lock. */
async function factsOf(tx: Tx, caseId: string, debtorRef: string, offerTemplates: readonly string[]) {
  const items = await dossierReceivables(tx, caseId);
  const open = items.filter((i) => i.balanceCents > 0);
  const row = await tx.one(sql.unsafe`
    SELECT
      (SELECT min(m.sent_at) FROM messages m WHERE m.case_id = ${caseId}
         AND m.template = ANY(${sql.array([...offerTemplates], 'text')})
         AND m.channel_type IN ('letter', 'email') AND m.sent_at IS NOT NULL
         AND m.status NOT IN ('failed', 'bounced')) AS offer_at,
      least(
        (SELECT min(a.at) FROM contact_attempts a WHERE a.debtor_ref = ${debtorRef}),
        (SELECT min(m.sent_at) FROM messages m WHERE m.case_id = ${caseId} AND m.channel_type = 'voice'
           AND m.sent_at IS NOT NULL AND m.status <> 'failed')) AS contact_at,
      (SELECT o.objected_at FROM early_signal_objections o WHERE o.debtor_ref = ${debtorRef}) AS objection_at`);
  const offer = date(row.offer_at);
  const facts: EarlySignalFacts = {
    arrearsTerms: open.length,
    arrearsCents: open.reduce((n, i) => n + i.balanceCents, 0),
    ...(offer ? { reminderWithOfferSentAt: offer, debtHelpPointedOutAt: offer } : {}),
    ...(row.contact_at ? { contactAttemptAt: date(row.contact_at)! } : {}),
    ...(row.objection_at ? { objectionRecordedAt: date(row.objection_at)! } : {}),
  };
  return facts;
}

/** Evaluates every running dossier of every corporation with early signals on; returns the signals made. */
export async function evaluateEarlySignals(
  db: Database,
  bundles: BundleStore,
  now: Date,
): Promise<CreatedSignal[]> {
  const created: CreatedSignal[] = [];
  for (const corporation of bundles.corporations()) {
    const config = bundles.get(corporation)?.corporation.earlySignal;
    if (!config?.enabled) continue;
    const candidates = await db.any(sql.unsafe`
      SELECT c.id, c.debtor_ref FROM cases c
      WHERE c.corporation = ${corporation} AND c.status IN ('active', 'paused') AND c.debtor_ref IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM early_signals s WHERE s.case_id = c.id)
      ORDER BY c.started_at LIMIT 1000`);
    for (const c of candidates) {
      const signal = await db.transaction(async (tx) => {
        const caseId = c.id as string;
        const debtorRef = c.debtor_ref as string;
        await tx.query(sql.unsafe`SELECT 1 FROM debtors WHERE id = ${debtorRef} FOR UPDATE`);
        const facts = await factsOf(tx, caseId, debtorRef, config.offerTemplates);
        const decision = earlySignalDue(facts, config, now);
        if (!decision.due) return undefined;
        const id = await tx.maybeOneFirst(sql.unsafe`
          INSERT INTO early_signals (corporation, case_id, debtor_ref, arrears_cents, arrears_terms, created_at)
          VALUES (${corporation}, ${caseId}, ${debtorRef}, ${facts.arrearsCents}, ${facts.arrearsTerms}, ${now.toISOString()})
          ON CONFLICT (case_id) DO NOTHING RETURNING id`);
        if (!id) return undefined;
        const receivableId = await tx.oneFirst(
          sql.unsafe`SELECT receivable_id FROM cases WHERE id = ${caseId} FOR UPDATE`,
        );
        await insertEvents(tx, [
          {
            corporation,
            caseId,
            receivableId: receivableId as string,
            type: 'earlySignal.created',
            data: { id, arrearsCents: facts.arrearsCents, arrearsTerms: facts.arrearsTerms },
            at: now,
          },
        ]);
        await appendTimeline(tx, caseId, [
          {
            at: now.toISOString(),
            text: `Early signal for the municipality made: arrears of ${euros(facts.arrearsCents)} over ${facts.arrearsTerms} term(s); the tenant did not object.`,
          },
        ]);
        return {
          id: id as string,
          corporation,
          caseId,
          arrearsCents: facts.arrearsCents,
          arrearsTerms: facts.arrearsTerms,
        };
      });
      if (signal) created.push(signal);
    }
  }
  return created;
}

/** The debtors row of an ERP debtor id in a corporation, locked; undefined when there is none. */
async function lockDebtor(tx: Tx, corporation: string, debtorId: string): Promise<string | undefined> {
  const id = await tx.maybeOneFirst(sql.unsafe`
    SELECT id FROM debtors WHERE corporation = ${corporation} AND debtor_id = ${debtorId} FOR UPDATE`);
  return (id as string | null) ?? undefined;
}

/** Records the tenant's objection (once; the first stays). Undefined when the debtor is unknown. */
export async function recordEarlySignalObjection(
  db: Database,
  corporation: string,
  debtorId: string,
  objection: { objectedAt: Date; how: string },
): Promise<{ objectedAt: string; how: string; signalledBefore: boolean } | undefined> {
  return db.transaction(async (tx) => {
    const ref = await lockDebtor(tx, corporation, debtorId);
    if (!ref) return undefined;
    await tx.query(sql.unsafe`
      INSERT INTO early_signal_objections (debtor_ref, corporation, objected_at, how)
      VALUES (${ref}, ${corporation}, ${objection.objectedAt.toISOString()}, ${objection.how})
      ON CONFLICT (debtor_ref) DO NOTHING`);
    const row = await tx.one(sql.unsafe`
      SELECT objected_at, how FROM early_signal_objections WHERE debtor_ref = ${ref}`);
    const signalled = await tx.exists(sql.unsafe`SELECT 1 FROM early_signals WHERE debtor_ref = ${ref}`);
    return {
      objectedAt: new Date(row.objected_at as string).toISOString(),
      how: row.how as string,
      signalledBefore: signalled,
    };
  });
}

/** Records an effort to reach the tenant in person. Undefined when the debtor is unknown. */
export async function recordContactAttempt(
  db: Database,
  corporation: string,
  debtorId: string,
  attempt: { kind: 'call' | 'visit' | 'other'; at: Date },
): Promise<{ id: string } | undefined> {
  return db.transaction(async (tx) => {
    const ref = await lockDebtor(tx, corporation, debtorId);
    if (!ref) return undefined;
    const id = await tx.oneFirst(sql.unsafe`
      INSERT INTO contact_attempts (debtor_ref, corporation, kind, at)
      VALUES (${ref}, ${corporation}, ${attempt.kind}, ${attempt.at.toISOString()}) RETURNING id`);
    return { id: id as string };
  });
}
