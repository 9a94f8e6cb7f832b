// The flow simulator: runs one receivable through a corporation's compiled bundle on a virtual clock,
// exactly as the runtime would — classify, startCase, then timers and events fed back through advance —
// and carries out the effects the way the runtime's dispatcher does. Pure: no I/O, no clock reads.

import { calendarOf, classify, engineContext, receivableState } from '../cases/index.js';
import { startCase } from '../engine/index.js';
import { createError } from '../errors/index.js';
import { LINK_PURPOSES, linkPath } from '../messages/index.js';
import { describeFieldErrors, validateReceivable } from '../receivable/index.js';
import { resolveInstant, toDate } from './instants.js';
import { SimulationRun, type TimedEvent } from './simulation-run.js';
import type { SimEvent, SimulateInput, SimulationResult } from './types.js';

/** A runaway flow (a reaction loop on timers) stops the simulation instead of spinning. */
const MAX_INPUTS = 10_000;

export function simulate(input: SimulateInput): SimulationResult {
  const { bundle } = input;
  const checked = validateReceivable(structuredClone(input.receivable));
  if (!checked.ok) throw createError('OST_ERR_VALIDATION', [describeFieldErrors(checked.errors)]);
  const calendar = calendarOf(bundle);
  const start = toDate(input.start, 'start');
  const until = resolveInstant(input.until, start, calendar, 'until');
  const events = scheduleEvents(input.events ?? [], start, calendar);

  const receivable = receivableState(checked.value);
  const decision = classify(bundle, receivable, start);
  const flow = bundle.flows[decision.flow];
  if (!flow) {
    throw createError('OST_ERR_CONFIG', [
      `classification names flow "${decision.flow}", which is not in bundle ${bundle.revision}`,
      'check the ClassificationRule',
    ]);
  }
  const host = bundle.corporation.paymentHost ?? 'outputstraat.example';
  const links =
    input.links ??
    Object.fromEntries(LINK_PURPOSES.map((p) => [p, `https://${host}${linkPath(p, `simulatie-${p}`)}`]));
  const run = new SimulationRun(bundle, flow, receivable, links);
  run.apply(startCase(flow, decision.classification, engineContext(bundle, receivable, start)), start);

  let next = 0;
  for (let inputs = 0; ; inputs++) {
    if (inputs > MAX_INPUTS) {
      throw createError('OST_ERR_CONFIG', [
        `the simulation fed more than ${MAX_INPUTS} inputs to flow "${flow.name}"`,
        'look for reactions that keep rescheduling each other',
      ]);
    }
    const event = events[next];
    const timer = run.timers.peek();
    // Events come before timers at the same instant: a payment at 09:00 stops the 09:00 reminder.
    if (event && (!timer || event.time.getTime() <= timer.at)) {
      if (event.time.getTime() > until.getTime()) break;
      next++;
      if (event.type === 'receivable') postReceivable(run, bundle, event.receivable, event.time);
      else run.feedEvent(event);
    } else if (timer) {
      if (timer.at > until.getTime()) break;
      run.timers.take();
      const at = new Date(timer.at);
      if (timer.input.type === 'dispatch') run.dispatchLater(timer.input.effect, at);
      else run.feed(timer.input, at);
    } else {
      break;
    }
  }

  run.finish(until);
  return {
    corporation: bundle.corporation.id,
    timezone: bundle.corporation.timezone,
    locale: bundle.corporation.locale,
    bundleRevision: bundle.revision,
    classification: decision.classification,
    flow: flow.name,
    flowRevision: flow.revision,
    decidedBy: decision.decidedBy,
    start: start.toISOString(),
    until: until.toISOString(),
    timeline: run.timeline,
    messages: run.messages,
    alerts: run.alerts,
    skipped: run.skipped,
    end: run.end(),
    warnings: run.warnings,
    receivable: { balance: run.receivable.balance, status: run.receivable.status },
    state: run.state,
    ...(run.items
      ? {
          items: run.items.map((i) => ({
            externalId: i.input.externalId,
            balance: i.balance,
            status: i.status,
          })),
        }
      : {}),
    ...(run.handedOver ? { handedOver: run.handedOver } : {}),
  };
}

/** Another receivable of the same debtor, validated and classified as at intake, offered to the run. */
function postReceivable(run: SimulationRun, bundle: SimulateInput['bundle'], input: unknown, at: Date): void {
  const checked = validateReceivable(structuredClone(input) as never);
  if (!checked.ok) throw createError('OST_ERR_VALIDATION', [describeFieldErrors(checked.errors)]);
  const debtor = run.receivable.input.debtor.id;
  if (checked.value.debtor.id !== debtor) {
    throw new RangeError(
      `receivable ${checked.value.externalId} is of debtor ${checked.value.debtor.id}; the simulation follows debtor ${debtor}`,
    );
  }
  const state = receivableState(checked.value);
  run.addReceivable(state, classify(bundle, state, at).flow, at);
}

function scheduleEvents(
  events: SimEvent[],
  start: Date,
  calendar: ReturnType<typeof calendarOf>,
): TimedEvent[] {
  const timed = events.map((e, index) => {
    const time = resolveInstant(e.at, start, calendar, `event ${index + 1} (${e.type})`);
    if (time.getTime() < start.getTime()) {
      throw new RangeError(
        `event ${index + 1} (${e.type}) at ${time.toISOString()} is before the start ${start.toISOString()}`,
      );
    }
    if (e.type === 'frozen' && e.until !== undefined) {
      const until = resolveInstant(e.until, start, calendar, `event ${index + 1} (frozen) until`);
      return { ...e, until, time, index };
    }
    return { ...e, time, index };
  });
  return timed.sort((a, b) => a.time.getTime() - b.time.getTime() || a.index - b.index);
}
