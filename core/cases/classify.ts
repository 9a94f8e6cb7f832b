// Picks classification and flow for a new receivable: rule sets by priority, rules in order, first
// match wins; then the default; then a flow whose trigger takes the kind and ERP classification.
import type { ConfigBundle } from '../bundle/types.js';
import { buildActivation, type CelActivation, compileExpression, evaluateBool } from '../cel/index.js';
import { createError } from '../errors/index.js';
import type { ReceivableState } from './receivable-state.js';

export interface Classification {
  classification: string;
  flow: string;
  /** `ruleSet/rule`, `default`, or `trigger` — shown in the timeline. */
  decidedBy: string;
}

/**
 * The last activation built for a receivable, with what it was built from. Classification and the first
 * turn's preconditions read the same receivable at the same instant: one activation (and one conversion
 * of its maps to CEL, bindings.ts) serves both; another classification is a shallow copy.
 */
const built = new WeakMap<
  ReceivableState['input'],
  { balance: number; status: string; at: number; timeZone: string; activation: CelActivation }
>();

export function activationFor(
  state: ReceivableState,
  now: Date,
  timeZone: string,
  classification?: string,
): CelActivation {
  const { input, balance, status } = state;
  let hit = built.get(input);
  if (
    !hit ||
    hit.balance !== balance ||
    hit.status !== status ||
    hit.at !== now.getTime() ||
    hit.timeZone !== timeZone
  ) {
    hit = { balance, status, at: now.getTime(), timeZone, activation: buildFor(state, now, timeZone) };
    built.set(input, hit);
  }
  return classification === undefined ? hit.activation : { ...hit.activation, classification };
}

function buildFor(state: ReceivableState, now: Date, timeZone: string): CelActivation {
  const r = state.input;
  return buildActivation({
    receivable: {
      ...r,
      balance: state.balance,
      paid: state.status === 'paid',
      classification: r.classification ?? '',
    },
    debtor: r.debtor,
    ...(r.paymentHistory ? { history: r.paymentHistory } : {}),
    now,
    timeZone,
  });
}

export function classify(bundle: ConfigBundle, state: ReceivableState, now: Date): Classification {
  const r = state.input;
  const activation = activationFor(state, now, bundle.corporation.timezone);
  for (const rule of bundle.rules) {
    if (rule.kinds.length > 0 && !rule.kinds.includes(r.kind)) continue;
    const expr = compileExpression(rule.when, 'classification');
    if (expr instanceof Error) throw expr;
    if (evaluateBool(expr, activation)) {
      return {
        classification: rule.classification,
        flow: rule.flow,
        decidedBy: `${rule.ruleSet}/${rule.name}`,
      };
    }
  }
  const erpClass = r.classification ?? '';
  for (const flow of Object.values(bundle.flows)) {
    const t = flow.trigger;
    if (
      t.kinds.includes(r.kind) &&
      (t.classifications.length === 0 || t.classifications.includes(erpClass))
    ) {
      if (t.classifications.length > 0 || !bundle.defaultRule) {
        return { classification: erpClass || r.kind, flow: flow.name, decidedBy: 'trigger' };
      }
    }
  }
  if (bundle.defaultRule) return { ...bundle.defaultRule, decidedBy: 'default' };
  throw createError('OST_ERR_NO_FLOW', [r.kind, erpClass]);
}
