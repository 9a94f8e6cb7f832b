// A promise to pay (betaalbelofte) as the engine monitors it, from whoever made it: the tenant on the
// payment page (runtime/pages/arrangement-routes.ts) or a consultant in the console
// (runtime/console/record-promise.ts). One check for both: the day and amount against the corporation's
// limits (core/law validatePromise, spec.collections.promises), the amount no more than what is open,
// and the corporation's grace days added. Field names are the forms' own: `date` and `amount`.
import type { BundleCorporation } from '../../core/bundle/types.js';
import { localDateKey, localDateOf, parseLocalDate } from '../../core/calendar/index.js';
import type { PlanInput } from '../../core/engine/index.js';
import { PROMISE_DEFAULTS, validatePromise } from '../../core/law/index.js';
import type { FieldError } from '../../core/receivable/index.js';
import { formatMoney } from '../../core/render/money.js';

export interface PromiseRequest {
  source: PlanInput['source'];
  reference?: string;
  /** The promised day as typed (YYYY-MM-DD). */
  date: string;
  /** The promised amount in cents. */
  amountCents: number;
  /** What is open: a promise cannot cover more. */
  openCents: number;
}

export type PromiseCheck = { ok: true; plan: PlanInput } | { ok: false; errors: FieldError[] };

const FIELDS: Record<string, string> = { promisedOn: 'date', amountCents: 'amount' };

/** The promise to feed the engine, or every field that is wrong (`date`, `amount`). */
export function checkPromise(
  corporation: Pick<BundleCorporation, 'timezone' | 'promises'>,
  now: Date,
  req: PromiseRequest,
): PromiseCheck {
  const limits = corporation.promises ?? PROMISE_DEFAULTS;
  const today = localDateOf(now, corporation.timezone);
  const promisedOn = parseLocalDate(req.date);
  const errors: FieldError[] = [];
  if (!promisedOn) errors.push({ field: 'date', message: 'must be a date (YYYY-MM-DD)' });
  const verdict = validatePromise(
    { madeOn: today, promisedOn: promisedOn ?? today, amountCents: req.amountCents },
    { maxDaysAhead: limits.maxDaysAhead },
  );
  for (const v of verdict.violations) {
    if (promisedOn || v.field !== 'promisedOn')
      errors.push({ field: FIELDS[v.field] ?? v.field, message: v.message });
  }
  if (Number.isSafeInteger(req.amountCents) && req.amountCents > req.openCents) {
    errors.push({
      field: 'amount',
      message: `must not be more than what is open (${formatMoney(req.openCents, 'EUR', 'nl')})`,
    });
  }
  if (errors.length > 0 || !promisedOn) return { ok: false, errors };
  return {
    ok: true,
    plan: {
      kind: 'promise',
      source: req.source,
      ...(req.reference ? { reference: req.reference } : {}),
      madeOn: localDateKey(today),
      graceDays: limits.graceDays,
      terms: [{ dueOn: localDateKey(promisedOn), amountCents: req.amountCents }],
    },
  };
}
