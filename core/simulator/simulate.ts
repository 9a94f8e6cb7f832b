// The flow simulator: runs one receivable through a corporation's compiled bundle on a virtual clock,
// exactly as the runtime would — classify, startCase, then timers and events fed back through advance —
// and carries out the effects the way the runtime's dispatcher does. Pure: no I/O, no clock reads.
import type { BundleFlow } from '../bundle/types.js';
import {
  calendarOf,
  classify,
  engineContext,
  type ReceivableState,
  receivableState,
} from '../cases/index.js';
import { advance, type EngineInput, type EngineResult, newCaseState, startCase } from '../engine/index.js';
import { createError } from '../errors/index.js';
import { describeFieldErrors, validateReceivable } from '../receivable/index.js';
import { type DispatchContext, dispatchAlert, dispatchSend } from './dispatch.js';
import { resolveInstant, toDate } from './instants.js';
import {
  alertRow,
  engineRows,
  messageRow,
  placeAfterAlertNote,
  replaceSendNote,
  withheldRow,
} from './rows.js';
import {
  applyToReceivable,
  isMessageEvent,
  messageOfStep,
  repeatsBalanceSentence,
} from './scenario-events.js';
import type {
  CaseEnd,
  MessageEventType,
  SimAlert,
  SimEvent,
  SimMessage,
  SimulateInput,
  SimulationResult,
  SkippedStep,
  TimelineRow,
} from './types.js';
import { VirtualTimers } from './virtual-timers.js';

/** A runaway flow (a reaction loop on timers) stops the simulation instead of spinning. */
const MAX_INPUTS = 10_000;

type TimedEvent = SimEvent & { time: Date; index: number };

export function simulate(input: SimulateInput): SimulationResult {
  const { bundle } = input;
  const checked = validateReceivable(structuredClone(input.receivable));
  if (!checked.ok) throw createError('OST_ERR_VALIDATION', [describeFieldErrors(checked.errors)]);
  const calendar = calendarOf(bundle);
  const start = toDate(input.start, 'start');
  const until = resolveInstant(input.until, start, calendar, 'until');
  const events = scheduleEvents(input.events ?? [], start, calendar);

  const run = new Run(input, receivableState(checked.value));
  const decision = classify(bundle, run.receivable, start);
  const flow = bundle.flows[decision.flow];
  if (!flow) {
    throw createError('OST_ERR_CONFIG', [
      `classification names flow "${decision.flow}", which is not in bundle ${bundle.revision}`,
      'check the ClassificationRule',
    ]);
  }
  run.flow = flow;
  run.apply(startCase(flow, decision.classification, engineContext(bundle, run.receivable, start)), start);

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
      run.feedEvent(event);
    } else if (timer) {
      if (timer.at > until.getTime()) break;
      run.timers.take();
      run.feed(timer.input, new Date(timer.at));
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
  };
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
    return { ...e, time, index };
  });
  return timed.sort((a, b) => a.time.getTime() - b.time.getTime() || a.index - b.index);
}

/** The mutable state of one simulation: the case, the receivable, timers and everything recorded. */
class Run {
  flow!: BundleFlow;
  state: EngineResult['state'];
  receivable: ReceivableState;
  readonly timers = new VirtualTimers();
  readonly timeline: TimelineRow[] = [];
  readonly messages: SimMessage[] = [];
  readonly alerts: SimAlert[] = [];
  readonly skipped: SkippedStep[] = [];
  readonly warnings: string[] = [];
  private held: (TimedEvent & { step: string; type: MessageEventType; channel?: string })[] = [];
  private endedAt: string | undefined;
  private readonly links: Record<string, string>;

  constructor(
    private readonly input: SimulateInput,
    receivable: ReceivableState,
  ) {
    this.receivable = receivable;
    this.state = newCaseState('');
    const host = input.bundle.corporation.paymentHost ?? 'outputstraat.example';
    this.links = input.links ?? { payment: `https://${host}/p/simulatie` };
  }

  feed(engineInput: EngineInput, now: Date): void {
    const ctx = engineContext(this.input.bundle, this.receivable, now);
    this.apply(advance(this.flow, this.state, engineInput, ctx), now);
  }

  /** Message events that came before their message: applied as soon as the message is out. */
  private releaseHeld(now: Date): void {
    for (;;) {
      const event = this.held.find((e) => messageOfStep(this.messages, e.step, e.channel));
      if (!event) return;
      const message = messageOfStep(this.messages, event.step, event.channel)!;
      this.held = this.held.filter((e) => e !== event);
      this.feed({ type: 'event', event: { type: event.type, messageId: message.messageId } }, now);
    }
  }

  /** Scenario problems left at the end: events whose message never went out. */
  finish(until: Date): void {
    for (const event of this.held) {
      const on = event.channel ? ` on ${event.channel}` : '';
      const text = `Event '${event.type}' never applied: step '${event.step}' sent no message${on} before the end`;
      this.warnings.push(`${text} (event at ${event.time.toISOString()}, end ${until.toISOString()})`);
      this.timeline.push({ at: until.toISOString(), text, stepId: event.step, kind: 'warning' });
    }
    this.held = [];
  }

  feedEvent(event: TimedEvent): void {
    const now = event.time;
    const at = now.toISOString();
    if (isMessageEvent(event)) {
      const message = messageOfStep(this.messages, event.step, event.channel);
      if (!message) {
        // An event cannot come before its message: it waits until the step's message goes out.
        this.held.push(event);
        const on = event.channel ? ` on ${event.channel}` : '';
        const text = `Event '${event.type}' waits: step '${event.step}' has not sent a message${on} yet`;
        this.timeline.push({ at, text, stepId: event.step, kind: 'event' });
        return;
      }
      this.feed({ type: 'event', event: { type: event.type, messageId: message.messageId } }, now);
      return;
    }
    const change = applyToReceivable(this.receivable, event, this.input.bundle.corporation.locale);
    this.receivable = change.receivable;
    if (change.text) this.timeline.push({ at, text: change.text, kind: 'event' });
    const ctx = engineContext(this.input.bundle, this.receivable, now);
    const result = advance(this.flow, this.state, { type: 'event', event: change.event }, ctx);
    const first = result.timeline[0];
    const dropFirst =
      change.text !== undefined && first?.stepId === undefined && repeatsBalanceSentence(first?.text ?? '');
    this.apply(dropFirst ? { ...result, timeline: result.timeline.slice(1) } : result, now);
  }

  /** Stores the engine's new state and carries out its effects, as runtime/cases/apply-effects.ts does. */
  apply(result: EngineResult, now: Date): void {
    this.state = result.state;
    const rows = engineRows(result.timeline);
    const at = now.toISOString();
    const dispatch: DispatchContext = {
      bundle: this.input.bundle,
      receivable: this.receivable,
      state: result.state,
      flow: this.flow.name,
      links: this.links,
      now,
    };
    for (const e of result.effects) {
      switch (e.type) {
        case 'schedule':
          this.timers.add(new Date(e.at), { type: 'due', stepId: e.stepId });
          break;
        case 'watch':
          this.timers.add(new Date(e.at), { type: 'watch', messageId: e.messageId, reaction: e.reaction });
          break;
        case 'cancelScheduled':
          this.timers.clear();
          break;
        case 'skip':
          this.skipped.push({ at, step: e.stepId, reason: e.reason });
          break;
        case 'end':
          this.endedAt = at;
          break;
        case 'send': {
          const type = e.channelType ?? this.input.bundle.channels[e.channel]?.spec.type;
          const outcome = dispatchSend(dispatch, e);
          if ('withheld' in outcome) {
            this.skipped.push({ at, step: e.stepId, reason: outcome.withheld });
            replaceSendNote(rows, e, type, withheldRow(at, e.stepId, type, e.template, outcome.withheld));
          } else {
            this.messages.push(outcome.message);
            replaceSendNote(rows, e, type, messageRow(outcome.message));
          }
          break;
        }
        case 'alert': {
          const outcome = dispatchAlert(dispatch, e);
          if ('withheld' in outcome) {
            this.skipped.push({ at, step: e.stepId, reason: outcome.withheld });
            placeAfterAlertNote(
              rows,
              e.stepId,
              withheldRow(at, e.stepId, 'alert', e.template, outcome.withheld),
            );
          } else {
            this.alerts.push(outcome.alert);
            placeAfterAlertNote(rows, e.stepId, alertRow(outcome.alert));
          }
          break;
        }
        case 'closeLink':
          break;
      }
    }
    this.timeline.push(...rows);
    if (this.held.length > 0 && result.effects.some((e) => e.type === 'send')) this.releaseHeld(now);
  }

  end(): CaseEnd {
    const s = this.state;
    if (s.status === 'stopped' || s.status === 'completed') {
      return {
        status: s.status,
        ...(s.endReason !== undefined ? { reason: s.endReason } : {}),
        ...(this.endedAt ? { at: this.endedAt } : {}),
      };
    }
    const pending =
      s.pendingStepId !== undefined && s.pendingAt !== undefined
        ? { pending: { step: s.pendingStepId, at: s.pendingAt } }
        : {};
    return { status: s.status, ...pending };
  }
}
