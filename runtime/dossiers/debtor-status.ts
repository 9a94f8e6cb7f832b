// PATCH /v1/debtors/{debtorId}: contact details, statuses and opt-outs of one debtor, and their effect on
// every running dossier of that debtor, in one transaction (docs/adr/0007, "Debtor statuses").
//
// Lock order (ADR 0007): the debtor row FOR UPDATE, then its dossiers by id (feedCase: case, then its
// receivable). The dispatcher takes the debtor row FOR SHARE before its case lock and re-checks the
// statuses under it (debtor-gate.ts), so a send is either recorded before this commits (it was on its
// way) or finds the new status and records nothing.
import {
  type DebtorPatch,
  type DebtorStatuses,
  householdIdOf,
  statusEvents,
} from '../../core/debtors/index.js';
import { createError } from '../../core/errors/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { type EventInput, insertEvents, type Tx } from './case-repository.js';
import { feedCase } from './case-runner.js';

export interface DebtorStatusDeps {
  db: Database;
  bundles: BundleStore;
  now?: () => Date;
}

export interface DebtorPatchResult {
  debtorId: string;
  statuses: DebtorStatuses;
  optOuts: string[];
  /** Running dossiers the change was fed to. */
  dossiers: number;
}

const STATUS_KEYS = ['deceased', 'debtAssistance', 'dispute'] as const;

/** The statuses after a patch: an object sets a status, null clears it, absent keeps it. */
function patchedStatuses(before: DebtorStatuses, patch: DebtorPatch): DebtorStatuses {
  const after: Record<string, unknown> = { ...before };
  for (const key of STATUS_KEYS) {
    const value = patch[key];
    if (value === null) delete after[key];
    else if (value !== undefined) after[key] = value;
  }
  return after as DebtorStatuses;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Applies a patch to the caller's debtor and feeds its effects to the debtor's running dossiers. */
export async function patchDebtor(
  deps: DebtorStatusDeps,
  corporation: string,
  debtorId: string,
  patch: DebtorPatch,
): Promise<DebtorPatchResult> {
  return deps.db.transaction(async (tx) => {
    const d = await tx.maybeOne(sql.unsafe`
      SELECT id, contact, statuses, opt_outs, household_id FROM debtors
      WHERE corporation = ${corporation} AND debtor_id = ${debtorId} FOR UPDATE`);
    if (!d) throw createError('OST_ERR_NOT_FOUND', [`debtor ${debtorId}`]);
    // Taken under the lock: the change is later than every send recorded before it.
    const now = deps.now?.() ?? new Date();
    const before = d.statuses as unknown as DebtorStatuses;
    const after = patchedStatuses(before, patch);
    const optOutsBefore = d.opt_outs as unknown as string[];
    const clear: readonly string[] = patch.optOuts?.clear ?? [];
    const optOuts = [...new Set([...optOutsBefore, ...(patch.optOuts?.set ?? [])])]
      .filter((t) => !clear.includes(t))
      .sort();
    const contactBefore = d.contact as Record<string, unknown>;
    const contact: Record<string, unknown> = { ...contactBefore, ...(patch.contact ?? {}) };
    const fields = Object.keys(patch.contact ?? {}).filter((k) => !same(contactBefore[k], contact[k]));
    const household = householdIdOf({ ...(contact as ReceivableInput['debtor']), id: debtorId }) ?? null;
    await tx.query(sql.unsafe`
      UPDATE debtors SET contact = ${sql.jsonb(contact as never)}, statuses = ${sql.jsonb(after as never)},
        opt_outs = ${sql.array(optOuts, 'text')}, household_id = ${household},
        data_at = CASE WHEN ${fields.length > 0} THEN ${now.toISOString()}::timestamptz ELSE data_at END
      WHERE id = ${d.id}`);

    const base = { corporation, at: now };
    const events: EventInput[] = [];
    if (fields.length > 0 || !same(optOuts, optOutsBefore)) {
      events.push({
        ...base,
        type: 'debtor.updated',
        data: { debtorId, fields: fields.map((f) => `contact.${f}`).sort(), optOuts },
      });
    }
    for (const key of STATUS_KEYS) {
      if (same(before[key], after[key])) continue;
      const a = after.debtAssistance;
      events.push({
        ...base,
        type: 'debtor.status-changed',
        data: {
          debtorId,
          status: key,
          set: after[key] !== undefined,
          ...(key === 'debtAssistance' && a
            ? { kind: a.kind, from: a.from, ...(a.until ? { until: a.until } : {}) }
            : {}),
        },
      });
    }
    await insertEvents(tx, events);
    const dossiers = await feedDossiers(tx, deps.bundles, d.id as string, before, after, now);
    if (before.debtAssistance && !after.debtAssistance) await releaseEndedCases(tx, d.id as string, now);
    return { debtorId, statuses: after, optOuts, dossiers };
  });
}

/** The debtor's running dossiers by id, each with the externalIds of its open items. */
async function runningDossiers(tx: Tx, debtorRef: string) {
  return (await tx.any(sql.unsafe`
    SELECT c.id, coalesce(array_agg(r.external_id ORDER BY r.external_id)
      FILTER (WHERE r.status IN ('open', 'paused')), '{}') AS open_items
    FROM cases c
    LEFT JOIN case_items i ON i.case_id = c.id AND i.left_at IS NULL
    JOIN receivables r ON r.id = coalesce(i.receivable_id, c.receivable_id)
    WHERE c.status IN ('active', 'paused')
      AND (c.debtor_ref = ${debtorRef}
        OR (c.debtor_ref IS NULL AND c.receivable_id IN (SELECT id FROM receivables WHERE debtor_ref = ${debtorRef})))
    GROUP BY c.id ORDER BY c.id`)) as unknown as { id: string; open_items: string[] }[];
}

/**
 * Sends the dispatcher held for a freeze in dossiers that had already completed (they have no resume):
 * queued again, from now on.
 */
async function releaseEndedCases(tx: Tx, debtorRef: string, now: Date): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE steps SET status = 'scheduled', reason = NULL, due_at = greatest(due_at, ${now.toISOString()}::timestamptz)
    WHERE status = 'held' AND kind = 'send' AND reason LIKE 'held: % of the debtor'
      AND case_id IN (SELECT c.id FROM cases c JOIN receivables r ON r.id = c.receivable_id
                      WHERE r.debtor_ref = ${debtorRef} AND c.status NOT IN ('active', 'paused'))`);
}

async function feedDossiers(
  tx: Tx,
  bundles: BundleStore,
  debtorRef: string,
  before: DebtorStatuses,
  after: DebtorStatuses,
  now: Date,
): Promise<number> {
  let fed = 0;
  for (const c of await runningDossiers(tx, debtorRef)) {
    const events = statusEvents(before, after, c.open_items);
    for (const event of events) await feedCase(tx, bundles, c.id, { type: 'event', event }, now);
    if (events.length > 0) fed++;
  }
  return fed;
}
