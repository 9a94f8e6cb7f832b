// The dispatcher's check of the debtor before it records a message (docs/adr/0007, "Race-freedom"):
// the debtor row is taken FOR SHARE before the case lock, so a PATCH of the debtor (FOR UPDATE) and a
// due send wait for each other; the statuses and opt-outs are then read under the same locks as the
// case and the balance. A status the case has not been told about (it started after the PATCH, or a
// freeze began later) is fed to it here, so the case pauses or stops with its timeline, not only the step.
import { type DebtorStatuses, freezeEnd, sendRefusal } from '../../core/debtors/index.js';
import { ESTATE_LETTER_STEP } from '../../core/engine/index.js';
import { sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import type { CaseRow, Tx } from './case-repository.js';
import { feedCase } from './case-runner.js';
import { deferStep, holdStep } from './step-claims.js';

export interface DebtorLock {
  /** The debtors row's id (messages.debtor_ref). */
  id: string;
  statuses: DebtorStatuses;
  optOuts: string[];
}

/** Takes the debtor row of a case FOR SHARE (before the case lock); undefined for a case without one. */
export async function lockDebtorOfCase(tx: Tx, caseId: string): Promise<DebtorLock | undefined> {
  const row = await tx.maybeOne(sql.unsafe`
    SELECT d.id, d.statuses, d.opt_outs FROM debtors d
    WHERE d.id = (SELECT coalesce(c.debtor_ref, r.debtor_ref) FROM cases c
                  JOIN receivables r ON r.id = c.receivable_id WHERE c.id = ${caseId})
    FOR SHARE OF d`);
  if (!row) return undefined;
  return {
    id: row.id as string,
    statuses: row.statuses as unknown as DebtorStatuses,
    optOuts: row.opt_outs as unknown as string[],
  };
}

/**
 * The estate gets one letter, however many dossiers of the debtor ask for one (two rent flows, say): the
 * first to record it wins. Dispatchers hold the debtor row only FOR SHARE, so the check is serialised by
 * an advisory lock on the debtor, taken after every row lock (a second dispatcher waits for the first to
 * commit its message, then sees it).
 */
async function oneEstateLetter(tx: Tx, debtorRef: string, stepRowId: string) {
  await tx.query(
    sql.unsafe`SELECT pg_advisory_xact_lock(hashtextextended(${`estate-letter|${debtorRef}`}, 0))`,
  );
  const sent = await tx.maybeOneFirst(sql.unsafe`
    SELECT 1 FROM messages
    WHERE debtor_ref = ${debtorRef} AND step_id = ${ESTATE_LETTER_STEP} AND status <> 'failed'
      AND step_row_id IS DISTINCT FROM ${stepRowId}
    LIMIT 1`);
  return sent
    ? { skip: 'the estate already has its letter (from another dossier of the debtor)' }
    : undefined;
}

/**
 * Whether the debtor lets this send go out now: undefined, `held` (a freeze: the step waits — with the
 * paused case for its resume, or, in a case that already completed, until the freeze ends or is cleared)
 * or `{ skip }` (deceased, opted out: the step is skipped with that reason). Alerts go to consultants and
 * pass; of a deceased debtor only the estate letter of Flow spec.onDeceased passes.
 */
export async function debtorGate(
  tx: Tx,
  bundles: BundleStore,
  debtor: DebtorLock | undefined,
  c: CaseRow,
  step: { id: string; kind: string; payload?: Record<string, unknown> },
  channelType: string | undefined,
  now: Date,
): Promise<'held' | { skip: string } | undefined> {
  if (!debtor || step.kind !== 'send') return undefined;
  const estate = step.payload?.estate === true;
  const refusal = sendRefusal(debtor.statuses, debtor.optOuts, channelType, now, estate);
  if (!refusal) return estate ? oneEstateLetter(tx, debtor.id, step.id) : undefined;
  const s = debtor.statuses;
  const running = c.status === 'active' || c.status === 'paused';
  if (s.deceased) {
    if (running) await feedCase(tx, bundles, c.id, { type: 'event', event: { type: 'deceased' } }, now);
    return { skip: refusal.reason };
  }
  if (!refusal.hold) return { skip: refusal.reason };
  const until = freezeEnd(s);
  if (running && !c.state.holds?.includes('freeze')) {
    const a = s.debtAssistance!;
    const event = { type: 'frozen' as const, kind: a.kind, from: a.from, ...(until ? { until } : {}) };
    await feedCase(tx, bundles, c.id, { type: 'event', event }, now);
  }
  // A completed case has no resume: its last send waits for the freeze's end (or the PATCH clearing it).
  if (!running && until) await deferStep(tx, step.id, new Date(until), refusal.reason);
  else await holdStep(tx, step.id, refusal.reason);
  return 'held';
}
