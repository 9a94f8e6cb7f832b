// Case events and watches: record what happened, then run the built-in and declared reactions.
import type { FlowReaction } from '../resources/types.generated.js';
import {
  applyReaction,
  COURSE_ACTIONS,
  causeOf,
  declared,
  pauseCase,
  resumeCase,
  type Trigger,
  reactionTrigger as trigger,
} from './actions.js';
import {
  arrangementWords,
  endArrangement,
  startArrangement,
  trackArrangementPayment,
} from './arrangement.js';
import { handleDebtorEvent, isDebtorEvent } from './debtor-events.js';
import { voidNoticeForArrangement } from './notice.js';
import { completeIfDone } from './steps.js';
import { amount, messageLabel } from './text.js';
import { closeLink, endCase, note, type Turn } from './turn.js';
import type { CaseEvent, MessageEventType, PlanInput } from './types.js';

const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['bounced', 'delivered', 'opened', 'clicked', 'failed']);

function isMessageEvent(e: CaseEvent): e is Extract<CaseEvent, { messageId: string }> {
  return MESSAGE_EVENTS.has(e.type);
}

const VERB: Record<MessageEventType, string> = {
  bounced: 'bounced',
  delivered: 'delivered',
  opened: 'opened',
  clicked: 'clicked (link followed)',
  failed: 'could not be delivered',
};

export function handleEvent(turn: Turn, event: CaseEvent): void {
  if (isDebtorEvent(event)) handleDebtorEvent(turn, event);
  else if (isMessageEvent(event)) onMessageEvent(turn, event.type, event.messageId);
  else if (event.type === 'paid' || event.type === 'partiallyPaid' || event.type === 'balanceChanged') {
    onBalanceEvent(turn, event.type, 'balance' in event ? event.balance : undefined);
  } else if (event.type === 'itemAdded') {
    const which = event.externalId ? `Receivable ${event.externalId}` : 'A receivable';
    note(turn, `${which} joined the dossier; total open now ${amount(event.balance)}`);
  } else if (event.type === 'cancelled') {
    note(turn, 'Receivable cancelled by the ERP');
    stopBuiltIn(turn, 'cancelled', 'receivable cancelled', false);
  } else if (event.type === 'arrangement') {
    voidNoticeForArrangement(turn);
    onStatusEvent(turn, 'arrangement', event.plan);
  } else {
    onStatusEvent(turn, event.type, undefined, 'reply' in event ? event.reply : undefined);
  }
}

/** Flags the message; reactions run only the first time a flag is set, so a replayed event is harmless. */
function onMessageEvent(turn: Turn, type: MessageEventType, messageId: string): void {
  const msg = turn.state.messages.find((m) => m.messageId === messageId);
  if (!msg) {
    note(turn, `A message of this case was reported ${VERB[type]}, but it is not known (${messageId})`);
    return;
  }
  const first = msg[type] !== true;
  msg[type] = true;
  if (type === 'clicked') msg.opened = true;
  if (!first) return;
  note(turn, `${messageLabel(msg.channelType)} '${msg.template}' ${VERB[type]}`, msg.stepId);
  // An opened message needs no "not opened" check any more; a bounced or failed one never reached the
  // debtor, so its check would only repeat what the bounce reaction already does.
  if (type === 'opened' || type === 'clicked' || type === 'bounced' || type === 'failed') {
    const before = turn.state.watches.length;
    turn.state.watches = turn.state.watches.filter(
      (w) => !(w.kind === 'notOpened' && w.messageId === messageId),
    );
    if (turn.state.watches.length < before) completeIfDone(turn);
  }
  for (const [r, i] of declared(turn, type, msg)) applyReaction(turn, r, i, trigger(r, messageId, msg));
}

/**
 * Payments. Paid — and a reported balance of zero or less — always stops the case, cancels its timers and
 * closes the payment link, declared or not. Other balance changes are recorded; preconditions on the
 * balance are checked again before the next step.
 */
function onBalanceEvent(
  turn: Turn,
  type: 'paid' | 'partiallyPaid' | 'balanceChanged',
  balance?: number,
): void {
  const settled = type === 'paid' || (balance !== undefined && balance <= 0);
  if (type !== 'balanceChanged' && trackArrangementPayment(turn, settled ? 0 : balance) && !settled) return;
  if (type === 'balanceChanged' && turn.state.arrangement && balance !== undefined) {
    turn.state.arrangement.lastBalance = balance;
  }
  if (type === 'paid') note(turn, 'Payment received: the receivable is paid');
  else if (type === 'partiallyPaid') note(turn, `Partial payment received${openBalance(balance)}`);
  else note(turn, `Balance changed${openBalance(balance)}`);
  if (settled) {
    stopBuiltIn(turn, type, 'receivable paid', true);
    return;
  }
  for (const [r, i] of declared(turn, type)) applyReaction(turn, r, i, trigger(r, eventKey(turn, type)));
}

function openBalance(balance: number | undefined): string {
  return balance === undefined ? '' : `; open balance now ${amount(balance)}`;
}

/** Built-in stop (paid, cancelled); declared alerts for the same event still tell the consultants. */
function stopBuiltIn(turn: Turn, on: FlowReaction['event'], reason: string, paid: boolean): void {
  const s = turn.state;
  const wasRunning = s.status === 'active' || s.status === 'paused';
  if (wasRunning) endCase(turn, 'stopped', reason, { closeLink: true });
  else if (paid && !s.linkClosed) closeLink(turn, reason);
  if (!wasRunning) return;
  for (const [r] of declared(turn, on)) {
    if (r.then !== 'alert') continue;
    const action = r.action ?? 'review';
    const stepId = s.messages.at(-1)?.stepId ?? turn.flow.steps[0]?.id ?? turn.flow.name;
    turn.effects.push({
      type: 'alert',
      stepId,
      action,
      template: r.template ?? 'consultant-alert',
      note: reason,
    });
    note(turn, `Consultant alert scheduled: ${reason}`, stepId);
  }
}

/**
 * arrangement and paused pause the case, resumed resumes it, unless the flow declares another course. A
 * pause asked for by the tenant's reply (`reply`: its class) says so instead of naming the ERP.
 */
function onStatusEvent(
  turn: Turn,
  type: 'arrangement' | 'paused' | 'resumed',
  plan?: PlanInput,
  reply?: string,
): void {
  const reactions = declared(turn, type);
  const byReply = type === 'paused' && reply !== undefined;
  const cause = byReply ? `paused by the tenant's reply: ${reply}` : causeOf({ event: type });
  note(
    turn,
    type === 'arrangement'
      ? `${arrangementWords(plan ?? { kind: 'plan' })} made`
      : byReply
        ? `Paused by the tenant's reply (${reply})`
        : type === 'paused'
          ? 'Paused by the ERP'
          : 'Resumed by the ERP',
  );
  if (plan && (turn.state.status === 'active' || turn.state.status === 'paused'))
    startArrangement(turn, plan);
  if (type === 'resumed') endArrangement(turn, 'the ERP resumed the dossier');
  if (!reactions.some(([r]) => COURSE_ACTIONS.has(r.then))) {
    if (type === 'resumed') resumeCase(turn, cause);
    else pauseCase(turn, cause);
  }
  const key = eventKey(turn, type);
  for (const [r, i] of reactions)
    applyReaction(turn, r, i, { ...trigger(r, key), ...(byReply ? { cause } : {}) });
}

/** Watch key of a reaction to a case event that waits for the window. */
function eventKey(turn: Turn, type: string): string {
  return `event:${type}@${turn.at}`;
}

/**
 * A watch is due: a notOpened check runs its reaction when the message is still unopened; a deferred
 * reaction runs now. Unknown watches (already handled, cleared by an open) and watches of a case that
 * is not active change nothing.
 */
export function handleWatch(turn: Turn, messageId: string, reaction: number): boolean {
  const s = turn.state;
  const index = s.watches.findIndex((w) => w.messageId === messageId && w.reaction === reaction);
  const watch = s.watches[index];
  if (!watch || s.status !== 'active') return false;
  const msg = s.messages.find((m) => m.messageId === messageId);
  const r = turn.flow.reactions[reaction];
  if (watch.kind === 'notOpened' && (msg?.opened || msg?.clicked)) return false;
  s.watches.splice(index, 1);
  if (r) {
    const trig: Trigger = {
      cause: causeOf(r),
      key: messageId,
      watchKind: watch.kind,
      ...(msg ? { message: msg } : {}),
    };
    if (watch.kind === 'notOpened' && msg) {
      note(
        turn,
        `${messageLabel(msg.channelType)} '${msg.template}' was not opened within ${r.within ?? '?'}`,
        msg.stepId,
      );
    }
    applyReaction(turn, r, reaction, trig);
  }
  completeIfDone(turn);
  return true;
}
