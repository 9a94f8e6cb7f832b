// The flow engine: one pure function from (flow, case state, input, context) to (new state, effects,
// timeline). No I/O and no clock: `ctx.now` is the time, the calendar and CEL come in through ctx. The
// simulator (CLI) and the live runtime both call it, so they cannot disagree. The runtime stores the
// state, carries out the effects (send, schedule a timer, ...) and feeds timers and events back as inputs.
//
// Semantics
// - Start. `startCase` makes a fresh state and applies the `start` input: preconditions are checked (a
//   failing one skips the first step with its reason and stops the case), then steps run from step 0.
//   A second `start` for a case that already started does nothing.
// - Steps run in order from `cursor`; consecutive non-wait steps run in one call.
//   - send: the channel is step.send.channel, else the debtor's preferred channel (when
//     flow.preferDebtorChoice; a preference may name a channel or a channel type), then flow.fallback in
//     order. The first candidate that exists, has not bounced before in this case, reaches the debtor
//     (ctx.reachable) and has a template wins. A fixed channel the debtor cannot be reached on falls
//     through to the fallback order the same way. Template: step.send.templates[channel type], else
//     step.send.template (for a fixed channel only on channels of that channel's type). No channel
//     left: the step is skipped with the reasons and the flow goes on. alsoVia channels the debtor
//     cannot be reached on are left out (and said so). Every message gets an engine id
//     `<stepId>.<channel>.<n>`; events name it. The timeline says it is "scheduled for sending": the
//     engine only asks; whoever carries out the send (dispatcher, simulator) says when it was sent.
//   - alert: an alert effect (template defaults to consultant-alert).
//   - wait: the next step is scheduled at addDuration(now, for); when that step is a send or alert the
//     dispatch window is applied at once (one timer, with deferredBecause). A trailing wait schedules
//     its own id; when it is due the flow falls off the end.
//   - branch: cases in order with `case` = {stepsSent (distinct steps that sent), opened (opened or
//     clicked), clicked, bounced, channelsTried (channel types)}; the first true one jumps, else
//     `otherwise`, else the next step. A branch that cannot be evaluated stops the case (fail closed).
//   - stop: ends the case (stopped) and closes the payment link unless closeLink is false.
//   - send with notice fourteenDay: the 14-day letter; the state records its items, computed term and
//     costs (notice.ts, core/law). addCosts: a cost line once that letter's term ended unpaid (it waits
//     for the first chargeable day); skipped without a valid letter. A freeze, or an arrangement within
//     the term, voids the letter for costs (docs/collections-law.md § 9).
//   - Falling off the end completes the case (the link stays open: the debtor may still pay), unless a
//     watch (notOpened check, deferred reaction) is pending: then it completes when the last one is done.
// - Before every send or alert step — and every reaction that sends or alerts — the preconditions are
//   checked first, then the window. A failing precondition (or one that cannot be evaluated) skips the
//   step with its reason and stops the case; the link stays open (use paid/cancelled to close it).
//   A send/alert step outside flow.window is not run: it is scheduled at the next opening with
//   deferredBecause, and runs (checks again) when due. spreadPerHour is the runtime's business.
// - No step reaches the debtor twice: send and alert steps are remembered in `done`; a branch or goto
//   that comes back to one skips it ("it already ran in this case"). A step reached twice within one
//   call (a loop without a wait) stops the case instead of spinning.
// - Inputs that do not apply change nothing and return no effects and no timeline: a `due` for a step
//   that is not the pending one or for a case that is not active, a `watch` that is not armed (handled,
//   or cleared because the message was opened) or for a case that is not active, a second `start`.
// - Events. Message events (bounced, delivered, opened, clicked, failed) flag the message; clicked also
//   counts as opened. Declared reactions run only the first time a flag is set, filtered by onlyChannel
//   (the message's channel type); an event for an unknown message is only noted.
//   - paid, and partiallyPaid/balanceChanged reporting a balance <= 0: built in, whatever the flow says:
//     stop + cancelScheduled + closeLink. On an ended case the link is still closed if it was open.
//   - cancelled: built in: stop + cancelScheduled + closeLink. Declared alerts for paid/cancelled still
//     tell the consultants; other declared reactions do not run after the stop.
//   - partiallyPaid/balanceChanged: recorded; preconditions on the balance are checked before the next step.
//   - arrangement/paused: pause (hold: timers cancelled, sends and alerts not gone out yet held; status
//     paused; pending step and watches kept in state) unless the flow declares a stop, pause, resume or
//     goto for it. resumed: resume — release what the pause held (not before the window opens), the
//     pending step is scheduled again at its original time or now if that passed (window applied),
//     watches re-armed. A case that ends while paused cancels what was held.
//   - Reactions (then): fallback resends the message's template (step.templates per type, or the same
//     template on a channel of the same type) via the first channel of flow.fallback that its step has
//     not used yet and that reaches the debtor; send sends reaction.template on reaction.channel or the
//     preferred/fallback channel; alert alerts (action defaults to review); stop ends the case and closes
//     the link; pause/resume; goto cancels the timers, re-arms the watches and runs from that step now;
//     record only records. fallback, send and alert are held until the window opens (a `deferred` watch).
//   - notOpened within D: every email sent (or message of onlyChannel's type) arms a watch at sent + D —
//     for a reaction that sends or alerts, at the window's first opening from then on (one timer). When
//     it is due and the message is still unopened (a click counts as an open; an open clears the watch)
//     and the case active, the reaction runs; a watch that fires late, outside the window, is re-armed
//     at the next opening and checks again.
//   - While paused only stop, resume and record reactions run; an ended case only records.
// - Debtor statuses (debtor-events.ts, docs/adr/0007): deceased stops the case (link closed) and alerts
//   the consultants; frozen (debt assistance) and disputed (every open item) pause it with a hold in
//   state.holds, and it resumes only when the last hold is lifted (unfrozen, undisputed, or the freeze's
//   end timer: a `watch` for FREEZE_END_WATCH at frozenUntil). An ERP resume does not lift a hold.
import type { BundleFlow } from '../bundle/types.js';
import { handleArrangementCheck, handleArrangementReminder } from './arrangement.js';
import { failedPrecondition } from './conditions.js';
import { handleFreezeEnd } from './debtor-events.js';
import { handleEvent, handleWatch } from './reactions.js';
import { runSteps, skip } from './steps.js';
import { closeTurn, endCase, note, openTurn, type Turn } from './turn.js';
import {
  ARRANGEMENT_REMINDER_WATCH,
  ARRANGEMENT_WATCH,
  type CaseState,
  type EngineContext,
  type EngineInput,
  type EngineResult,
  FREEZE_END_WATCH,
} from './types.js';

/** A case that has not started: run `advance(flow, state, { type: 'start' }, ctx)` on it. */
export function newCaseState(classification: string): CaseState {
  return {
    status: 'active',
    cursor: 0,
    classification,
    messages: [],
    channelsTried: [],
    watches: [],
    done: [],
  };
}

/** Starts a case of `flow`: checks the preconditions and runs the steps up to the first timer. */
export function startCase(flow: BundleFlow, classification: string, ctx: EngineContext): EngineResult {
  return advance(flow, newCaseState(classification), { type: 'start' }, ctx);
}

/** Applies one input to a case. Pure: `state` is not changed; the new state is returned. */
export function advance(
  flow: BundleFlow,
  state: CaseState,
  input: EngineInput,
  ctx: EngineContext,
): EngineResult {
  const unchanged: EngineResult = { state, effects: [], timeline: [] };
  switch (input.type) {
    case 'start': {
      if (state.startedAt !== undefined || state.status !== 'active') return unchanged;
      const turn = openTurn(flow, state, ctx);
      start(turn);
      return closeTurn(turn);
    }
    case 'due': {
      if (state.status !== 'active' || state.pendingStepId !== input.stepId) return unchanged;
      const turn = openTurn(flow, state, ctx);
      runSteps(turn);
      return closeTurn(turn);
    }
    case 'watch': {
      const turn = openTurn(flow, state, ctx);
      if (input.messageId === FREEZE_END_WATCH) return handleFreezeEnd(turn) ? closeTurn(turn) : unchanged;
      if (input.messageId === ARRANGEMENT_REMINDER_WATCH) {
        return handleArrangementReminder(turn) ? closeTurn(turn) : unchanged;
      }
      if (input.messageId === ARRANGEMENT_WATCH) {
        return handleArrangementCheck(turn) ? closeTurn(turn) : unchanged;
      }
      return handleWatch(turn, input.messageId, input.reaction) ? closeTurn(turn) : unchanged;
    }
    case 'event': {
      const turn = openTurn(flow, state, ctx);
      handleEvent(turn, input.event);
      return closeTurn(turn);
    }
  }
}

function start(turn: Turn): void {
  const s = turn.state;
  s.startedAt = turn.at;
  note(turn, `Case started in flow '${turn.flow.name}' (classification '${s.classification}')`);
  const failed = failedPrecondition(turn);
  if (failed !== undefined) {
    const first = turn.flow.steps[0];
    if (first) skip(turn, first.id, failed);
    endCase(turn, 'stopped', failed, { closeLink: false, ...(first ? { stepId: first.id } : {}) });
    return;
  }
  runSteps(turn);
}
