// A promise to pay recorded by a consultant on the debtor page (issue #15): on one of the debtor's open
// items, or on the debtor's dossier as a whole (its open total), a day and an amount (the open balance
// when left empty). Checked by the same function as the tenant's promise page (checkPromise), recorded
// as the same monitored plan with source 'console'; the engine writes promise.made on the ERP's feed
// and a sentence on the dossier's timeline, and a broken promise opens a lapsed-arrangement task.
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import { applyReceivableEvent, checkPromise } from '../dossiers/index.js';
import { type ActionDeps, euroCents } from './actions.js';
import type { Ctx } from './console-kit.js';

export interface PromiseTarget {
  /** The form's value: an item's externalId, or `dossier:<case id>`. */
  value: string;
  kind: 'item' | 'dossier';
  /** The item the promise is reported on (a dossier's first open item). */
  externalId: string;
  /** What is open: the item's balance, or the dossier's open total. */
  openCents: number;
  currency: string;
  /** Its dossier already holds a running arrangement or promise. */
  busy: boolean;
}

/** What a promise can be made on: each open item in a running dossier, and each running debtor dossier. */
export async function promiseTargets(db: Database, corporation: string, debtorRef: string) {
  const rows = await db.any(sql.unsafe`
    SELECT r.external_id, r.balance_minor, r.currency, c.id AS case_id, c.scope,
      coalesce(jsonb_typeof(c.state->'arrangement') = 'object', false) AS busy
    FROM receivables r
    JOIN LATERAL (
      SELECT c.id, c.scope, c.state FROM cases c
      WHERE c.status IN ('active', 'paused') AND (c.receivable_id = r.id
        OR c.id IN (SELECT case_id FROM case_items WHERE receivable_id = r.id AND left_at IS NULL))
      ORDER BY c.started_at DESC LIMIT 1) c ON true
    WHERE r.corporation = ${corporation} AND r.debtor_ref = ${debtorRef} AND r.status IN ('open', 'paused')
      AND r.balance_minor > 0
    ORDER BY r.due_date, r.external_id`);
  const targets: PromiseTarget[] = [];
  const dossiers = new Map<string, PromiseTarget>();
  for (const r of rows) {
    const item = {
      value: r.external_id as string,
      kind: 'item' as const,
      externalId: r.external_id as string,
      openCents: Number(r.balance_minor),
      currency: r.currency as string,
      busy: r.busy as boolean,
    };
    targets.push(item);
    if (r.scope !== 'debtor') continue;
    const d = dossiers.get(r.case_id as string);
    if (d) d.openCents += item.openCents;
    else dossiers.set(r.case_id as string, { ...item, kind: 'dossier', value: `dossier:${r.case_id}` });
  }
  return [...dossiers.values(), ...targets];
}

const text = (form: Record<string, unknown>, key: string) =>
  typeof form[key] === 'string' ? (form[key] as string).trim() : '';

/** What was typed, to show a refused form again. */
export const promiseFormValues = (form: Record<string, unknown>) =>
  Object.fromEntries(['target', 'date', 'amount'].map((k) => [k, text(form, k).slice(0, 40)]));

export async function recordPromise(
  deps: ActionDeps,
  ctx: Ctx,
  debtor: { ref: string; id: string },
  form: Record<string, unknown>,
): Promise<void> {
  const targets = await promiseTargets(deps.db, ctx.corporation, debtor.ref);
  const target = targets.find((t) => t.value === text(form, 'target'));
  if (!target) {
    throw validationError([
      { field: 'target', message: "must be one of the debtor's open items in a running dossier" },
    ]);
  }
  if (target.busy) {
    throw validationError([
      { field: 'target', message: 'its dossier already has a running arrangement or promise to pay' },
    ]);
  }
  const typedAmount = text(form, 'amount');
  const amountCents = typedAmount ? euroCents(typedAmount) : target.openCents;
  const now = deps.now?.() ?? new Date();
  const check = checkPromise(ctx.bundle.corporation, now, {
    source: 'console',
    reference: `console-${now.getTime().toString(36)}`,
    date: text(form, 'date').slice(0, 20),
    amountCents: amountCents ?? 0,
    openCents: target.openCents,
  });
  const errors = [
    ...(check.ok ? [] : check.errors).filter((e) => amountCents !== undefined || e.field !== 'amount'),
    ...(amountCents === undefined
      ? [{ field: 'amount', message: 'must be an amount in euros, such as 12,50' }]
      : []),
  ];
  if (!check.ok || errors.length > 0) throw validationError(errors);
  await applyReceivableEvent(deps, ctx.corporation, target.externalId, {
    type: 'patch',
    patch: {
      arrangement: { reference: check.plan.reference! },
      reason: 'promise to pay recorded in the console',
    },
    plan: check.plan,
  });
}
