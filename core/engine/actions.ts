// What a reaction does (flow.reactions[].then): fallback, send, alert, stop, pause, resume, goto, record.
import type { FlowReaction } from '../resources/types.generated.js';
import { armArrangementCheck } from './arrangement-timer.js';
import {
  candidateChannels,
  chooseChannel,
  sendMessage,
  stepTemplates,
  type TemplateChooser,
} from './channels.js';
import { failedPrecondition } from './conditions.js';
import { completeIfDone, jumpTo, reachesPeople, runSteps, scheduleStep, skip } from './steps.js';
import { alertScheduledText, localTime } from './text.js';
import { emit, endCase, note, type Turn } from './turn.js';
import { type CaseWatch, FREEZE_END_WATCH, type SentMessage } from './types.js';
import { windowDeferral } from './window.js';

/** Why a reaction runs: the reaction's event, the message it is about, and how to re-arm it. */
export interface Trigger {
  /** 'bounce', 'not opened within 2d', 'payment arrangement' … used in reasons and the timeline. */
  cause: string;
  message?: SentMessage;
  /** Key of the watch that holds the reaction back when the window is shut. */
  key: string;
  /** notOpened watches keep their kind when deferred, so the open check runs again when they fire. */
  watchKind: CaseWatch['kind'];
}

/** How a reaction's event reads in reasons: 'bounce', 'not opened within 2d', 'link clicked' … */
export function causeOf(r: Pick<FlowReaction, 'event' | 'within'>): string {
  switch (r.event) {
    case 'bounced':
      return 'bounce';
    case 'failed':
      return 'failed delivery';
    case 'notOpened':
      return `not opened within ${r.within ?? '?'}`;
    case 'opened':
      return 'message opened';
    case 'clicked':
      return 'link clicked';
    case 'delivered':
      return 'message delivered';
    case 'arrangement':
      return 'payment arrangement';
    case 'paused':
      return 'paused by the ERP';
    case 'resumed':
      return 'resumed by the ERP';
    case 'cancelled':
      return 'receivable cancelled';
    case 'paid':
      return 'receivable paid';
    case 'partiallyPaid':
      return 'partial payment';
    case 'balanceChanged':
      return 'balance changed';
    case 'arrangementBroken':
      return 'payment arrangement lapsed';
    case 'promiseBroken':
      return 'promise to pay broken';
  }
}

/** Reactions that decide the course of the case; declaring one replaces a built-in pause or resume. */
export const COURSE_ACTIONS: ReadonlySet<FlowReaction['then']> = new Set(['stop', 'pause', 'resume', 'goto']);

export function declared(
  turn: Turn,
  on: FlowReaction['event'],
  message?: SentMessage,
): [FlowReaction, number][] {
  const out: [FlowReaction, number][] = [];
  turn.flow.reactions.forEach((r, i) => {
    if (r.event !== on) return;
    if (message && r.onlyChannel !== undefined && r.onlyChannel !== message.channelType) return;
    out.push([r, i]);
  });
  return out;
}

export function reactionTrigger(r: FlowReaction, key: string, message?: SentMessage): Trigger {
  return { cause: causeOf(r), key, watchKind: 'deferred', ...(message ? { message } : {}) };
}

/** While paused only stop, resume and record apply; an ended case only records. */
function allowed(turn: Turn, then: FlowReaction['then']): boolean {
  const status = turn.state.status;
  if (status === 'active') return true;
  if (status === 'paused') return then === 'stop' || then === 'resume' || then === 'record';
  return then === 'record';
}

export function applyReaction(turn: Turn, r: FlowReaction, index: number, trig: Trigger): void {
  if (!allowed(turn, r.then)) {
    if (r.then !== 'record') note(turn, `No ${r.then} after ${trig.cause}: the case is ${turn.state.status}`);
    return;
  }
  switch (r.then) {
    case 'record':
      return;
    case 'stop':
      endCase(turn, 'stopped', trig.cause, { closeLink: true });
      return;
    case 'pause':
      pauseCase(turn, trig.cause);
      return;
    case 'resume':
      resumeCase(turn, trig.cause);
      return;
    case 'goto':
      gotoStep(turn, r.step ?? '', trig.cause);
      return;
    default:
      reachOut(turn, r, index, trig);
  }
}

/** fallback, send and alert reach people: they wait for the dispatch window and check preconditions. */
function reachOut(turn: Turn, r: FlowReaction, index: number, trig: Trigger): void {
  const deferral = windowDeferral(turn, turn.ctx.now);
  if (deferral) {
    const at = deferral.at.toISOString();
    turn.state.watches.push({ kind: trig.watchKind, messageId: trig.key, reaction: index, at });
    emit(turn, { type: 'watch', messageId: trig.key, reaction: index, at });
    note(
      turn,
      `Reaction to ${trig.cause} deferred to ${localTime(deferral.at, turn.ctx.calendar.timezone)}: ${deferral.because}`,
      trig.message?.stepId,
    );
    return;
  }
  const failed = failedPrecondition(turn);
  if (failed !== undefined) {
    const stepId = contextStepId(turn, trig.message);
    skip(turn, stepId, failed);
    endCase(turn, 'stopped', failed, { closeLink: false, stepId });
    return;
  }
  if (r.then === 'fallback') fallback(turn, trig);
  else if (r.then === 'send') sendAlso(turn, r, trig);
  else alertConsultants(turn, r, trig);
}

/** The step a reaction's effects belong to: its message's step, else the pending or last step. */
function contextStepId(turn: Turn, message: SentMessage | undefined): string {
  const s = turn.state;
  const last = turn.flow.steps[Math.min(s.cursor, turn.flow.steps.length) - 1];
  return message?.stepId ?? s.pendingStepId ?? last?.id ?? turn.flow.steps[0]?.id ?? turn.flow.name;
}

/** Resends the message on the next channel of the fallback order that its step did not use yet. */
function fallback(turn: Turn, trig: Trigger): void {
  const msg = trig.message;
  if (!msg) {
    note(turn, `No fallback after ${trig.cause}: it is not about a message`);
    return;
  }
  const used = new Set(turn.state.messages.filter((m) => m.stepId === msg.stepId).map((m) => m.channel));
  const step = turn.flow.steps.find((s) => s.id === msg.stepId);
  const fromStep: TemplateChooser = step?.send ? stepTemplates(turn, step.send) : () => undefined;
  const templateFor: TemplateChooser = (channel, type) =>
    fromStep(channel, type) ?? (type === msg.channelType ? msg.template : undefined);
  const choice = chooseChannel(turn, turn.flow.fallback, templateFor, used);
  if ('reason' in choice) {
    skip(turn, msg.stepId, `no fallback after ${trig.cause}: ${choice.reason}`);
    return;
  }
  sendMessage(turn, msg.stepId, choice.plan, {
    alsoVia: [],
    registered: step?.send?.registered ?? false,
    reason: `fallback after ${trig.cause}`,
  });
}

/** Sends the reaction's template too: on its channel, else the preferred then fallback channel. */
function sendAlso(turn: Turn, r: FlowReaction, trig: Trigger): void {
  const stepId = contextStepId(turn, trig.message);
  const template = r.template;
  if (template === undefined) {
    skip(turn, stepId, `no template to send after ${trig.cause}`);
    return;
  }
  const choice = chooseChannel(turn, candidateChannels(turn, r.channel), () => template);
  if ('reason' in choice) {
    skip(turn, stepId, `nothing sent after ${trig.cause}: ${choice.reason}`);
    return;
  }
  const reason = r.event === 'notOpened' ? trig.cause : `reaction to ${trig.cause}`;
  sendMessage(turn, stepId, choice.plan, { alsoVia: [], registered: false, reason });
}

function alertConsultants(turn: Turn, r: FlowReaction, trig: Trigger): void {
  const stepId = contextStepId(turn, trig.message);
  const action = r.action ?? 'review';
  emit(turn, { type: 'alert', stepId, action, template: r.template ?? 'consultant-alert', note: trig.cause });
  note(turn, alertScheduledText(action, trig.cause), stepId);
}

export function pauseCase(turn: Turn, cause: string): void {
  if (turn.state.status !== 'active') return;
  emit(turn, { type: 'hold', reason: `paused: ${cause}` });
  turn.state.status = 'paused';
  note(turn, `Case paused (${cause}); pending steps held until it is resumed`);
  // The hold cancels timers; a freeze's end is one that must still come (debtor-events.ts).
  const until = turn.state.frozenUntil;
  if (until) emit(turn, { type: 'watch', messageId: FREEZE_END_WATCH, reaction: -1, at: until });
  armArrangementCheck(turn);
}

/**
 * Resumes a paused case: sends and alerts held by the pause are released (not before the window opens),
 * the pending step is scheduled again at its original time, or now when that has passed (window
 * applied), and the watches are re-armed. A resume never brings a step forward.
 */
export function resumeCase(turn: Turn, cause: string): void {
  const s = turn.state;
  if (s.status !== 'paused') return;
  if (s.holds?.length) {
    note(turn, `Not resumed (${cause}): the debtor's ${s.holds.join(' and ')} still holds the case`);
    return;
  }
  s.status = 'active';
  note(turn, `Case resumed (${cause})`);
  const notBefore = windowDeferral(turn, turn.ctx.now)?.at ?? turn.ctx.now;
  emit(turn, { type: 'release', reason: `resumed: ${cause}`, notBefore: notBefore.toISOString() });
  const now = turn.ctx.now.getTime();
  for (const w of s.watches) {
    w.at = new Date(Math.max(now, Date.parse(w.at))).toISOString();
    emit(turn, { type: 'watch', messageId: w.messageId, reaction: w.reaction, at: w.at });
  }
  if (s.pendingStepId !== undefined) {
    const due = new Date(Math.max(now, s.pendingAt ? Date.parse(s.pendingAt) : now));
    scheduleStep(turn, s.pendingStepId, due, reachesPeople(turn.flow.steps[s.cursor]));
  } else if (s.cursor < turn.flow.steps.length) {
    runSteps(turn);
  } else {
    completeIfDone(turn);
  }
}

/** Continues at a step now: the pending timer is cancelled, watches are re-armed. */
function gotoStep(turn: Turn, target: string, cause: string): void {
  const s = turn.state;
  if (s.pendingStepId !== undefined || s.watches.length > 0) {
    emit(turn, { type: 'cancelScheduled', reason: `continuing at step '${target}' after ${cause}` });
    for (const w of s.watches)
      emit(turn, { type: 'watch', messageId: w.messageId, reaction: w.reaction, at: w.at });
  }
  delete s.pendingStepId;
  delete s.pendingAt;
  if (jumpTo(turn, target, `After ${cause}`)) runSteps(turn);
}
