// The contact budget at the moment of recording a message (docs/adr/0007, docs/contact-budget.md). Two
// parts, both in the dispatcher's transaction:
//   1. before any row lock (the lock order is household → debtor → case → receivables):
//      `lockHousehold` takes the advisory lock of the debtor's household (of the debtor when it has none)
//      when the corporation has a contact policy and the step is a send. Every replica deciding about a
//      send to that household waits here, so two of them never spend the same budget;
//   2. after the case and quiet-hours checks: `checkContactBudget` reads the household's messages of the
//      window and its other pending sends (and step timers that will send) and lets core decide
//      (decideContact). A deferral reschedules the step with a timeline sentence; a skip (the flow says
//      overBudget: skip) is the dispatcher's to record, with the reason.
import type { ConfigBundle } from '../../core/bundle/types.js';
import {
  budgetDeferredText,
  budgetSkipReason,
  type ContactPolicy,
  type ContactSend,
  contactClassOf,
  contactPolicyOf,
  decideContact,
  lookbackMs,
  sendChannelTypeOf,
} from '../../core/contact-budget/index.js';
import { sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { appendTimeline, type CaseRow, deferStep, type StepRow, type Tx } from '../dossiers/index.js';
import { wordsOf } from './dispatch-sentences.js';

/** Whose budget a send spends, and under which policy; the household's lock is held. */
export interface BudgetScope {
  corporation: string;
  debtorRef: string;
  householdId: string | null;
  policy: ContactPolicy;
}

/** What the budget says: go on, deferred (done here), or skip with this reason (the dispatcher records it). */
export type BudgetVerdict =
  | { kind: 'go' }
  | { kind: 'deferred'; reason: string }
  | { kind: 'skip'; reason: string };

/** Part 1: the household's advisory lock, when a budget applies to this step; undefined when none does. */
export async function lockHousehold(
  tx: Tx,
  bundles: BundleStore,
  corporation: string,
  stepRowId: string,
): Promise<BudgetScope | undefined> {
  const policy = contactPolicyOf(bundles.get(corporation)?.corporation.contactPolicy);
  if (!policy) return undefined;
  const row = await tx.maybeOne(sql.unsafe`
    SELECT s.kind, r.debtor_ref, d.household_id
    FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
      LEFT JOIN debtors d ON d.id = r.debtor_ref
    WHERE s.id = ${stepRowId} AND s.corporation = ${corporation}`);
  if (row?.kind !== 'send' || !row.debtor_ref) return undefined;
  const householdId = (row.household_id as string | null) ?? null;
  const key = householdId
    ? `contact-budget|${corporation}|household|${householdId}`
    : `contact-budget|${corporation}|debtor|${row.debtor_ref}`;
  await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  return { corporation, debtorRef: row.debtor_ref as string, householdId, policy };
}

/** Part 2: may this send go now? Defers the step itself when not. */
export async function checkContactBudget(
  tx: Tx,
  scope: BudgetScope,
  c: CaseRow,
  step: StepRow,
  bundle: ConfigBundle,
  channelType: string,
  now: Date,
): Promise<BudgetVerdict> {
  const since = new Date(now.getTime() - lookbackMs(scope.policy)).toISOString();
  const horizon = new Date(now.getTime() + lookbackMs(scope.policy)).toISOString();
  const who = scope.householdId
    ? sql.fragment`m.corporation = ${scope.corporation} AND m.household_id = ${scope.householdId}`
    : sql.fragment`m.debtor_ref = ${scope.debtorRef}`;
  const history = await tx.any(sql.unsafe`
    SELECT m.counted_at, m.debtor_ref, m.channel_type FROM messages m
    WHERE ${who} AND m.counted_at > ${since} AND m.status <> 'failed'`);
  const whose = scope.householdId
    ? sql.fragment`d.corporation = ${scope.corporation} AND d.household_id = ${scope.householdId}`
    : sql.fragment`d.id = ${scope.debtorRef}`;
  const pending = await tx.any(sql.unsafe`
    SELECT s.id, s.kind, s.step_id, s.due_at, s.payload->>'channel' AS channel, c.flow, d.id AS debtor_ref
    FROM debtors d JOIN cases c ON c.debtor_ref = d.id JOIN steps s ON s.case_id = c.id
    WHERE ${whose} AND s.kind IN ('send', 'due') AND s.status IN ('scheduled', 'claimed', 'queued')
      AND s.id <> ${step.id} AND s.due_at <= ${horizon}
      -- A send whose message is recorded is on its way: it counts in the history already.
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.step_row_id = s.id AND m.status <> 'failed')
    ORDER BY s.due_at, s.id LIMIT 200`);
  // Sends waiting to go, and step timers that will send when they come due (pending-send.ts).
  const contenders: ContactSend[] = pending.flatMap((p) => {
    const channelType =
      p.kind === 'send'
        ? (bundle.channels[p.channel as string]?.spec.type ?? String(p.channel))
        : sendChannelTypeOf(bundle, p.flow as string, p.step_id as string);
    if (!channelType) return [];
    return [
      {
        id: p.id as string,
        debtor: p.debtor_ref as string,
        channelType,
        contactClass: contactClassOf(bundle, p.flow as string),
        dueAt: new Date(p.due_at as string),
      },
    ];
  });
  const flow = bundle.flows[c.flow];
  const decision = decideContact(
    scope.policy,
    // A replica whose clock is a little behind, or that waited for the lock, may find a message counted
    // a moment after its `now`: it counts as now.
    history.map((h) => ({
      at: new Date(Math.min(new Date(h.counted_at as string).getTime(), now.getTime())),
      debtor: h.debtor_ref as string,
      channelType: h.channel_type as string,
    })),
    contenders,
    {
      id: step.id,
      debtor: scope.debtorRef,
      channelType,
      contactClass: contactClassOf(bundle, c.flow),
      dueAt: new Date(step.due_at),
      overBudget: flow?.overBudget ?? 'defer',
    },
    now,
  );
  if (decision.decision === 'allow') return { kind: 'go' };
  if (decision.decision === 'skip') return { kind: 'skip', reason: budgetSkipReason(decision.reason.text) };
  await deferStep(tx, step.id, decision.until, `contact budget: ${decision.reason.text}`);
  const { label, template } = wordsOf(step);
  const text = budgetDeferredText(
    label,
    template,
    decision.until,
    bundle.corporation.timezone,
    decision.reason.text,
  );
  await appendTimeline(tx, c.id, [{ at: now.toISOString(), stepId: step.step_id, text }]);
  return { kind: 'deferred', reason: decision.reason.code };
}
