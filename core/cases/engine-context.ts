// Builds the engine's context for one case at one instant: the corporation's calendar, CEL over the
// receivable's current state, and how the debtor can be reached. The runtime and the simulator both
// call this, so they cannot disagree.
import type { ConfigBundle } from '../bundle/types.js';
import {
  addDuration,
  type CalendarSettings,
  type DispatchWindow,
  explainDeferral,
  nextWindowOpening,
  parseFlowDuration,
  type Weekday,
} from '../calendar/index.js';
import { compileExpression, evaluateBool } from '../cel/index.js';
import type { EngineContext, FlowWindow } from '../engine/index.js';
import { activationFor } from './classify.js';
import type { ReceivableState } from './receivable-state.js';

const toWindow = (w: FlowWindow): DispatchWindow => ({
  days: w.days as Weekday[],
  from: w.from,
  to: w.to,
  skipHolidays: w.skipHolidays,
});

export function calendarOf(bundle: ConfigBundle): CalendarSettings {
  return { timezone: bundle.corporation.timezone, holidayCountry: 'NL' };
}

/**
 * `items`: a dossier's open items (core/cases/dossier.ts); unset, the case's one receivable. The engine
 * computes a 14-day letter's costs over them.
 */
export function engineContext(
  bundle: ConfigBundle,
  state: ReceivableState,
  now: Date,
  items?: readonly { externalId: string; balance: number }[],
): EngineContext {
  const cal = calendarOf(bundle);
  const debtor = state.input.debtor;
  const reachableBy: Record<string, boolean> = {
    email: Boolean(debtor.email),
    sms: Boolean(debtor.phone),
    voice: Boolean(debtor.phone),
    letter: Boolean(debtor.address),
    webhook: true,
  };
  const channelType = (name: string) => bundle.channels[name]?.spec.type;
  // Every precondition and branch of a turn reads the same receivable at the same instant.
  const activations = new Map<string | undefined, ReturnType<typeof activationFor>>();
  const activation = (classification: string | undefined) => {
    let a = activations.get(classification);
    if (!a) {
      a = activationFor(state, now, cal.timezone, classification);
      activations.set(classification, a);
    }
    return a;
  };
  return {
    now,
    calendar: {
      timezone: cal.timezone,
      addDuration: (start, text) => addDuration(start, parseFlowDuration(text), cal),
      nextOpening: (t, w) => nextWindowOpening(t, toWindow(w), cal),
      explainDeferral: (from, to, w) => explainDeferral(from, to, toWindow(w), cal),
    },
    evaluate: (source, vars, env) => {
      const expr = compileExpression(source, env);
      if (expr instanceof Error) throw expr;
      const base = activation(vars.classification);
      return evaluateBool(expr, vars.case ? { ...base, case: vars.case } : base);
    },
    debtor: debtor.preferredChannel ? { preferredChannel: debtor.preferredChannel } : {},
    reachable: (channel) => {
      const type = channelType(channel) ?? '';
      return !state.optOuts?.includes(type) && (reachableBy[type] ?? false);
    },
    channelType,
    items: items ?? [
      { externalId: state.input.externalId, balance: state.balance, currency: state.input.currency ?? 'EUR' },
    ],
    ...(bundle.corporation.collectionCosts ? { collections: bundle.corporation.collectionCosts } : {}),
  };
}

/**
 * When a send asked for outside the flow's own steps (the console's "send the payment link again") may
 * go: now, or the next opening of the flow's dispatch window, like the flow's own sends.
 */
export function nextSendMoment(bundle: ConfigBundle, flow: string, now: Date): Date {
  const window = bundle.flows[flow]?.window;
  return window ? nextWindowOpening(now, toWindow(window), calendarOf(bundle)) : now;
}
