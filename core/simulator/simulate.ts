// The flow simulator's driver: runs receivables through a corporation's compiled bundle on a virtual clock,
// exactly as the runtime would — classify, startCase, then timers and events fed back through advance —
// and carries out the effects the way the runtime's dispatcher does. Pure: no I/O, no clock reads.

import type { BundleFlow } from '../bundle/types.js';
import { calendarOf, classify, engineContext, receivableState } from '../cases/index.js';
import { plainCopy, startCase } from '../engine/index.js';
import { createError } from '../errors/index.js';
import { LINK_PURPOSES, linkPath } from '../messages/index.js';
import { describeFieldErrors, validateReceivable } from '../receivable/index.js';
import { resolveInstant, toDate } from './instants.js';
import { type BudgetHook, SimulationRun, type TimedEvent } from './simulation-run.js';
import type { SimEvent, SimulateInput, SimulationResult } from './types.js';

/** A runaway flow (a reaction loop on timers) stops the simulation instead of spinning. */
const MAX_INPUTS = 10_000;

/** One receivable's case on the shared virtual clock: its run and its scenario events. */
export interface CaseDriver {
  run: SimulationRun;
  flow: BundleFlow;
  classification: string;
  decidedBy: string;
  events: TimedEvent[];
  next: number;
}

/** Classifies `receivable` and sets its run up, not started yet. */
export function prepareCase(
  input: Omit<SimulateInput, 'receivable' | 'events'>,
  receivableInput: SimulateInput['receivable'],
  scenario: SimEvent[],
  budget?: BudgetHook,
): CaseDriver & { start: Date; until: Date } {
  const { bundle } = input;
  const checked = validateReceivable(plainCopy(receivableInput));
  if (!checked.ok) throw createError('OST_ERR_VALIDATION', [describeFieldErrors(checked.errors)]);
  const calendar = calendarOf(bundle);
  const start = toDate(input.start, 'start');
  const until = resolveInstant(input.until, start, calendar, 'until');
  const events = scheduleEvents(scenario, start, calendar);
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
  const run = new SimulationRun(bundle, flow, receivable, links, budget, input.render !== false);
  return {
    run,
    flow,
    classification: decision.classification,
    decidedBy: decision.decidedBy,
    events,
    next: 0,
    start,
    until,
  };
}

/** Starts every case at `start`, then feeds events and timers of all of them in time order until `until`. */
export function driveCases(cases: CaseDriver[], start: Date, until: Date): void {
  for (const c of cases) {
    c.run.apply(
      startCase(c.flow, c.classification, engineContext(c.run.bundle, c.run.receivable, start)),
      start,
    );
  }
  for (let inputs = 0; ; inputs++) {
    if (inputs > MAX_INPUTS * cases.length) {
      throw createError('OST_ERR_CONFIG', [
        `the simulation fed more than ${MAX_INPUTS} inputs to flow "${cases.map((c) => c.flow.name).join('", "')}"`,
        'look for reactions that keep rescheduling each other',
      ]);
    }
    // The earliest input of any case; events come before timers at the same instant (a payment at 09:00
    // stops the 09:00 reminder); on a tie between cases, the one that came first.
    let best: { c: CaseDriver; at: number; event: boolean } | undefined;
    for (const c of cases) {
      const event = c.events[c.next];
      const timer = c.run.timers.peek();
      const mine =
        event && (!timer || event.time.getTime() <= timer.at)
          ? { c, at: event.time.getTime(), event: true }
          : timer
            ? { c, at: timer.at, event: false }
            : undefined;
      if (mine && (!best || mine.at < best.at || (mine.at === best.at && mine.event && !best.event)))
        best = mine;
    }
    if (!best || best.at > until.getTime()) break;
    const { c } = best;
    if (best.event) {
      const event = c.events[c.next++]!;
      if (event.type === 'receivable') postReceivable(c.run, c.run.bundle, event.receivable, event.time);
      else c.run.feedEvent(event);
      continue;
    }
    const timer = c.run.timers.take()!;
    const at = new Date(timer.at);
    if (timer.input.type === 'dispatch') c.run.dispatchLater(timer.input.effect, at);
    else c.run.feed(timer.input, at);
  }
  for (const c of cases) c.run.finish(until);
}

/** What a case came to, as simulate() reports it. */
export function resultOf(c: CaseDriver, start: Date, until: Date): SimulationResult {
  const { run, flow } = c;
  const bundle = run.bundle;
  return {
    corporation: bundle.corporation.id,
    timezone: bundle.corporation.timezone,
    locale: bundle.corporation.locale,
    bundleRevision: bundle.revision,
    classification: c.classification,
    flow: flow.name,
    flowRevision: flow.revision,
    decidedBy: c.decidedBy,
    start: start.toISOString(),
    until: until.toISOString(),
    timeline: run.timeline,
    messages: run.messages,
    alerts: run.alerts,
    skipped: run.skipped,
    deferred: run.deferred,
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
  const checked = validateReceivable(plainCopy(input) as never);
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
