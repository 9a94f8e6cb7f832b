// One simulation's mutable state — the case, the receivable, pending timers and everything recorded —
// and how it carries out the engine's effects: the way runtime/dossiers/apply-effects.ts plans them (in
// order; a cancelScheduled cancels what is pending, including sends planned earlier in the same turn; a
// hold keeps the sends and alerts not gone out until the release), the scheduler spreads sends and
// alerts over the flow's maxPerHour, and the dispatcher decides whether each still goes out.

import type { BundleFlow, ConfigBundle } from '../bundle/types.js';
import {
  channelQuietUntil,
  type DossierItem,
  dossierReceivable,
  dossierView,
  engineContext,
  type ReceivableState,
} from '../cases/index.js';
import { budgetDeferredText, budgetSkipReason, type ContactDecision } from '../contact-budget/index.js';
import { advance, type EngineInput, type EngineResult, newCaseState } from '../engine/index.js';
import { formatMoney } from '../render/index.js';
import { SpreadBook } from '../spread/index.js';
import { type DispatchContext, dispatchAlert, dispatchSend, withheldBecause } from './dispatch.js';
import { changeItems, handOverRow } from './dossier-events.js';
import { withPlan } from './scenario-plan.js';

const DEBTOR_EVENTS: ReadonlySet<string> = new Set(['deceased', 'frozen', 'unfrozen', 'optOut']);

import {
  alertRow,
  engineRows,
  messageLabel,
  messageRow,
  placeAfterAlertNote,
  queuedRow,
  quietRow,
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
  DeferredSend,
  MessageEventType,
  SimAlert,
  SimEvent,
  SimMessage,
  SimulationResult,
  SkippedStep,
  TimelineRow,
} from './types.js';
import { type DispatchEffect, VirtualTimers } from './virtual-timers.js';

/** A spread slot this close to now is now (runtime/cases/scheduler.ts SLOT_NOW_MS). */
const SLOT_NOW_MS = 1_000;

export type TimedEvent = SimEvent & { time: Date; index: number };

/** The contact budget of the household a run's debtor belongs to (household.ts). */
export interface BudgetHook {
  decide(run: SimulationRun, e: Extract<DispatchEffect, { type: 'send' }>, now: Date): ContactDecision;
  spent(run: SimulationRun, channelType: string, now: Date): void;
}
type HeldEvent = TimedEvent & { step: string; type: MessageEventType; channel?: string };
/** A send or alert a pause holds, and when it was to go out. */
interface HeldDispatch {
  effect: DispatchEffect;
  at: number;
}

export class SimulationRun {
  state = newCaseState('');
  readonly timers = new VirtualTimers();
  readonly timeline: TimelineRow[] = [];
  readonly messages: SimMessage[] = [];
  readonly alerts: SimAlert[] = [];
  readonly skipped: SkippedStep[] = [];
  readonly deferred: DeferredSend[] = [];
  readonly warnings: string[] = [];
  private held: HeldEvent[] = [];
  private heldDispatches: HeldDispatch[] = [];
  private endedAt: string | undefined;
  private readonly spread = new SpreadBook();
  /** A debtor-scope dossier's items (ADR 0007); undefined for a per-receivable flow. */
  items: DossierItem[] | undefined;
  handedOver: SimulationResult['handedOver'];

  constructor(
    readonly bundle: ConfigBundle,
    readonly flow: BundleFlow,
    public receivable: ReceivableState,
    private readonly links: Record<string, string>,
    /** The household's contact budget, shared by the cases simulated together (household.ts). */
    private readonly budget?: BudgetHook,
    /** Render messages and alerts (SimulateInput.render). */
    private readonly render = true,
  ) {
    if (flow.scope === 'debtor') {
      this.items = [{ input: receivable.input, balance: receivable.balance, status: receivable.status }];
      this.receivable = dossierReceivable(this.items);
    }
  }

  private money(minor: number): string {
    return formatMoney(minor, this.receivable.input.currency ?? 'EUR', this.bundle.corporation.locale);
  }

  /**
   * Another receivable of the debtor arrives, already classified into `flow`: it joins this dossier when
   * that is the flow and the dossier runs, as at intake; else the simulation says it does not follow it.
   */
  addReceivable(r: ReceivableState, flow: string, now: Date): void {
    const at = now.toISOString();
    const id = r.input.externalId;
    const running = this.state.status === 'active' || this.state.status === 'paused';
    if (!this.items || flow !== this.flow.name || !running || r.status !== 'open' || r.balance <= 0) {
      const text = `Receivable ${id} goes to flow '${flow}'${flow === this.flow.name ? ' in a case of its own' : ''}; this simulation follows flow '${this.flow.name}' only`;
      this.warnings.push(text);
      this.timeline.push({ at, text, kind: 'warning' });
      return;
    }
    this.items.push({ input: r.input, balance: r.balance, status: r.status });
    this.receivable = dossierReceivable(this.items);
    this.timeline.push({
      at,
      text: `Receivable ${id} posted (${this.money(r.balance)}): it joins the dossier`,
      kind: 'event',
    });
    const total = dossierView(this.items).total;
    this.feed({ type: 'event', event: { type: 'itemAdded', balance: total, externalId: id } }, now);
  }

  /** The engine's context now: a dossier's open items feed the 14-day letter's costs. */
  private engineContextAt(now: Date) {
    const items = this.items ? dossierView(this.items).items : undefined;
    return engineContext(this.bundle, this.receivable, now, items);
  }

  feed(input: EngineInput, now: Date): void {
    const ctx = this.engineContextAt(now);
    this.apply(advance(this.flow, this.state, input, ctx), now);
  }

  /** A send or alert whose spread slot (or the end of quiet hours) has come. */
  dispatchLater(effect: DispatchEffect, now: Date): void {
    const rows: TimelineRow[] = [];
    // The dispatcher checks quiet hours whenever a send comes to it, also one released after a pause.
    const quietUntil =
      effect.type === 'send' ? channelQuietUntil(this.bundle, effect.channel, now) : undefined;
    if (quietUntil && effect.type === 'send') {
      this.timers.add(quietUntil, { type: 'dispatch', effect });
      const tz = this.bundle.corporation.timezone;
      this.timeline.push(quietRow(now.toISOString(), effect, this.typeOf(effect), quietUntil, tz));
      return;
    }
    const sent = this.dispatch(effect, now, rows);
    this.timeline.push(...rows);
    if (sent) this.releaseHeld(now);
  }

  feedEvent(event: TimedEvent): void {
    const now = event.time;
    const at = now.toISOString();
    if (isMessageEvent(event)) {
      const message = messageOfStep(this.messages, event.step, event.channel);
      if (message) {
        this.feed({ type: 'event', event: { type: event.type, messageId: message.messageId } }, now);
        return;
      }
      // An event cannot come before its message: it waits until the step's message goes out.
      this.held.push(event);
      const on = event.channel ? ` on ${event.channel}` : '';
      const text = `Event '${event.type}' waits: step '${event.step}' has not sent a message${on} yet`;
      this.timeline.push({ at, text, stepId: event.step, kind: 'event' });
      return;
    }
    if (event.type === 'receivable') return;
    // A debtor status is about the debtor, not an item: it changes the dossier as a whole.
    const change =
      this.items && !DEBTOR_EVENTS.has(event.type)
        ? changeItems(this.items, event, this.bundle.corporation.locale)
        : applyToReceivable(this.receivable, event, this.bundle.corporation.locale);
    // A dossier's items do not carry the debtor's opt-outs: they stay with the dossier.
    const optOuts = change.receivable.optOuts ?? this.receivable.optOuts;
    this.receivable = optOuts ? { ...change.receivable, optOuts } : change.receivable;
    if (change.text) this.timeline.push({ at, text: change.text, kind: 'event' });
    if (!change.event) return;
    const ctx = this.engineContextAt(now);
    const fed = withPlan(change.event, event, this.bundle.corporation, now);
    const result = advance(this.flow, this.state, { type: 'event', event: fed }, ctx);
    // The simulator's sentence (with the balance) stands in for the engine's own about the same payment.
    const first = result.timeline[0];
    const repeats =
      change.text !== undefined && first?.stepId === undefined && repeatsBalanceSentence(first?.text ?? '');
    this.apply(repeats ? { ...result, timeline: result.timeline.slice(1) } : result, now);
  }

  /** Stores the engine's new state and carries out its effects in the order they came. */
  apply(result: EngineResult, now: Date): void {
    this.state = result.state;
    const rows = engineRows(result.timeline);
    const at = now.toISOString();
    const planned: { effect: DispatchEffect; cancelled?: string; held?: boolean }[] = [];
    for (const e of result.effects) {
      switch (e.type) {
        case 'schedule':
          this.timers.add(new Date(e.at), { type: 'due', stepId: e.stepId });
          break;
        case 'watch':
          this.timers.add(new Date(e.at), { type: 'watch', messageId: e.messageId, reaction: e.reaction });
          break;
        case 'cancelScheduled':
          for (const p of planned) p.cancelled ??= e.reason;
          for (const t of this.timers.clear()) {
            if (t.input.type === 'dispatch')
              this.withhold(t.input.effect, `cancelled: ${e.reason}`, now, rows);
          }
          for (const h of this.heldDispatches) this.withhold(h.effect, `cancelled: ${e.reason}`, now, rows);
          this.heldDispatches = [];
          break;
        case 'hold':
          // Timers go (the engine sets them again on resume); what is asked for and not out yet waits.
          for (const p of planned) if (p.cancelled === undefined) p.held = true;
          for (const t of this.timers.clear()) {
            if (t.input.type === 'dispatch') this.heldDispatches.push({ effect: t.input.effect, at: t.at });
          }
          break;
        case 'release':
          for (const p of planned) p.held = false;
          this.release(new Date(e.notBefore));
          break;
        case 'skip':
          this.skipped.push({ at, step: e.stepId, reason: e.reason });
          break;
        case 'end':
          this.endedAt = at;
          break;
        case 'send':
        case 'alert':
          planned.push({ effect: e });
          break;
        case 'closeLink':
        case 'record':
          break;
        case 'handOver': {
          const handed = handOverRow(
            this.items ?? [{ ...this.receivable }],
            e,
            at,
            this.bundle.corporation.locale,
          );
          this.handedOver = handed.handedOver;
          rows.push(handed.row);
          break;
        }
      }
    }
    let sent = false;
    for (const p of planned) {
      if (p.cancelled !== undefined) {
        this.withhold(p.effect, `cancelled: ${p.cancelled}`, now, rows);
        continue;
      }
      if (p.held) {
        this.heldDispatches.push({ effect: p.effect, at: now.getTime() });
        continue;
      }
      const quietUntil =
        p.effect.type === 'send' ? channelQuietUntil(this.bundle, p.effect.channel, now) : undefined;
      if (quietUntil) {
        this.timers.add(quietUntil, { type: 'dispatch', effect: p.effect });
        this.place(
          rows,
          p.effect,
          quietRow(at, p.effect, this.typeOf(p.effect), quietUntil, this.bundle.corporation.timezone),
        );
        continue;
      }
      const slot = this.spread.place(this.bundle, this.flow, now);
      if (slot.getTime() - now.getTime() > SLOT_NOW_MS) {
        this.timers.add(slot, { type: 'dispatch', effect: p.effect });
        this.place(
          rows,
          p.effect,
          queuedRow(at, p.effect, this.typeOf(p.effect), this.flow.spreadPerHour ?? 0),
        );
        continue;
      }
      sent = this.dispatch(p.effect, now, rows) || sent;
    }
    this.timeline.push(...rows);
    if (sent) this.releaseHeld(now);
  }

  /**
   * What a pause held goes out again: at its own time when that is still ahead (its spread slot stays
   * booked), else from `notBefore` on with a new slot — like the runtime's release and scheduler.
   */
  private release(notBefore: Date): void {
    for (const h of this.heldDispatches) {
      const at =
        h.at >= notBefore.getTime() ? new Date(h.at) : this.spread.place(this.bundle, this.flow, notBefore);
      this.timers.add(at, { type: 'dispatch', effect: h.effect });
    }
    this.heldDispatches = [];
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

  private typeOf(e: DispatchEffect): string | undefined {
    return e.type === 'alert' ? 'alert' : (e.channelType ?? this.bundle.channels[e.channel]?.spec.type);
  }

  /** Puts a row about a send or alert where the engine's sentence about it is (or at the end). */
  private place(rows: TimelineRow[], e: DispatchEffect, row: TimelineRow): void {
    if (e.type === 'send') replaceSendNote(rows, e, this.typeOf(e), row);
    else placeAfterAlertNote(rows, e.stepId, row);
  }

  private withhold(e: DispatchEffect, reason: string, now: Date, rows: TimelineRow[]): void {
    const at = now.toISOString();
    this.skipped.push({ at, step: e.stepId, reason });
    this.place(rows, e, withheldRow(at, e.stepId, this.typeOf(e), e.template, reason));
  }

  /** The dispatcher's part: true when a message went out to the debtor. */
  private dispatch(e: DispatchEffect, now: Date, rows: TimelineRow[]): boolean {
    const ctx: DispatchContext = {
      bundle: this.bundle,
      receivable: this.receivable,
      state: this.state,
      flow: this.flow.name,
      links: this.links,
      now,
      render: this.render,
      ...(this.items ? { dossier: dossierView(this.items) } : {}),
    };
    if (e.type === 'send') {
      // Like the dispatcher: what may not go out at all first, then the contact budget.
      const verdict = withheldBecause(ctx) ? undefined : this.budget?.decide(this, e, now);
      if (verdict && verdict.decision !== 'allow') {
        if (verdict.decision === 'skip') {
          this.withhold(e, budgetSkipReason(verdict.reason.text), now, rows);
          return false;
        }
        this.timers.add(verdict.until, { type: 'dispatch', effect: e });
        this.deferred.push({
          at: now.toISOString(),
          step: e.stepId,
          until: verdict.until.toISOString(),
          reason: verdict.reason.text,
        });
        const tz = this.bundle.corporation.timezone;
        const text = budgetDeferredText(
          messageLabel(this.typeOf(e)),
          e.template,
          verdict.until,
          tz,
          verdict.reason.text,
        );
        this.place(rows, e, { at: now.toISOString(), stepId: e.stepId, kind: 'queued', text });
        return false;
      }
      const outcome = dispatchSend(ctx, e);
      if ('withheld' in outcome) {
        this.withhold(e, outcome.withheld, now, rows);
        return false;
      }
      this.messages.push(outcome.message);
      this.budget?.spent(this, outcome.message.channelType, now);
      this.place(rows, e, messageRow(outcome.message));
      return outcome.message.error === undefined;
    }
    const outcome = dispatchAlert(ctx, e);
    if ('withheld' in outcome) {
      this.withhold(e, outcome.withheld, now, rows);
      return false;
    }
    this.alerts.push(outcome.alert);
    this.place(rows, e, alertRow(outcome.alert));
    return false;
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
}
