// Running the flow's steps from the cursor until one waits, defers to the dispatch window or ends the case.
import type { FlowStep } from '../resources/types.generated.js';
import { candidateChannels, chooseChannel, sendMessage, stepTemplates } from './channels.js';
import { decideBranch, failedPrecondition } from './conditions.js';
import { recordNotice, runAddCosts } from './notice.js';
import { alertScheduledText, localTime } from './text.js';
import { emit, endCase, note, type Turn } from './turn.js';
import { windowDeferral } from './window.js';

export type StepKind = 'send' | 'alert' | 'wait' | 'branch' | 'stop' | 'handOver' | 'addCosts';

export function stepKind(step: FlowStep): StepKind | undefined {
  if (step.send) return 'send';
  if (step.alert) return 'alert';
  if (step.wait) return 'wait';
  if (step.branch) return 'branch';
  if (step.stop) return 'stop';
  if (step.handOver) return 'handOver';
  if (step.addCosts) return 'addCosts';
  return undefined;
}

/** Send and alert steps reach people, so only they wait for the dispatch window. */
export function reachesPeople(step: FlowStep | undefined): boolean {
  const kind = step === undefined ? undefined : stepKind(step);
  return kind === 'send' || kind === 'alert';
}

/** Sets the case's timer: `stepId` is due at `t`, moved to the window's next opening when it sends. */
export function scheduleStep(turn: Turn, stepId: string, t: Date, sends: boolean): void {
  const deferral = sends ? windowDeferral(turn, t) : undefined;
  const at = (deferral?.at ?? t).toISOString();
  turn.state.pendingStepId = stepId;
  turn.state.pendingAt = at;
  const when = localTime(new Date(at), turn.ctx.calendar.timezone);
  if (deferral) {
    emit(turn, { type: 'schedule', stepId, at, deferredBecause: deferral.because });
    note(turn, `Deferred to ${when}: ${deferral.because}`, stepId);
  } else {
    emit(turn, { type: 'schedule', stepId, at });
    const isNext = turn.flow.steps[turn.state.cursor]?.id === stepId;
    note(
      turn,
      isNext ? `Step '${stepId}' scheduled for ${when}` : `The wait '${stepId}' ends ${when}`,
      stepId,
    );
  }
}

/** Completes the case when no step, timer or watch is left; a pending watch keeps it open. */
export function completeIfDone(turn: Turn): void {
  const s = turn.state;
  if (s.status !== 'active' || s.cursor < turn.flow.steps.length || s.pendingStepId !== undefined) return;
  if (s.watches.length > 0) return;
  endCase(turn, 'completed', 'all steps done', { closeLink: false });
}

/**
 * Runs steps from the cursor, now. Consecutive non-wait steps run in this call; it returns when a wait
 * or a deferred step set a timer, or the case ended. A step reached twice in one call is a loop without
 * a wait: the case stops rather than spin.
 */
export function runSteps(turn: Turn): void {
  const s = turn.state;
  const steps = turn.flow.steps;
  const visited = new Set<string>();
  delete s.pendingStepId;
  delete s.pendingAt;
  while (s.status === 'active') {
    const step = steps[s.cursor];
    if (step === undefined) {
      if (s.watches.length > 0) note(turn, 'All steps done; waiting for the pending open checks');
      completeIfDone(turn);
      return;
    }
    if (visited.has(step.id)) {
      endCase(turn, 'stopped', `the flow returns to step '${step.id}' without a wait`, {
        closeLink: false,
        stepId: step.id,
      });
      return;
    }
    visited.add(step.id);
    if (!runStep(turn, step)) return;
  }
}

/** Runs one step; false when the run stops here (timer set or case ended). */
function runStep(turn: Turn, step: FlowStep): boolean {
  const s = turn.state;
  if (reachesPeople(step)) {
    if (s.done.includes(step.id)) {
      skip(turn, step.id, 'it already ran in this case');
      s.cursor++;
      return true;
    }
    const failed = failedPrecondition(turn);
    if (failed !== undefined) {
      skip(turn, step.id, failed);
      endCase(turn, 'stopped', failed, { closeLink: false, stepId: step.id });
      return false;
    }
    if (windowDeferral(turn, turn.ctx.now)) {
      scheduleStep(turn, step.id, turn.ctx.now, true);
      return false;
    }
    if (step.send) runSend(turn, step.id, step.send);
    else if (step.alert) runAlert(turn, step.id, step.alert);
    s.done.push(step.id);
    s.cursor++;
    return true;
  }
  if (step.wait) {
    s.cursor++;
    const next = turn.flow.steps[s.cursor];
    const due = turn.ctx.calendar.addDuration(turn.ctx.now, step.wait.for);
    note(turn, `Waiting ${step.wait.for}`, step.id);
    scheduleStep(turn, next?.id ?? step.id, due, reachesPeople(next));
    return false;
  }
  if (step.branch) return runBranch(turn, step.id, step.branch);
  if (step.stop) {
    const reason = step.stop.reason ?? `the flow ends at step '${step.id}'`;
    endCase(turn, 'stopped', reason, { closeLink: step.stop.closeLink ?? true, stepId: step.id });
    return false;
  }
  if (step.handOver) {
    handOver(turn, step.id, step.handOver);
    return false;
  }
  if (step.addCosts) {
    return runAddCosts(
      turn,
      step,
      (at) => scheduleStep(turn, step.id, at, false),
      (reason) => skip(turn, step.id, reason),
    );
  }
  skip(turn, step.id, 'the step has no action');
  s.cursor++;
  return true;
}

/**
 * Ends the dossier and asks for its open items to go to the debtor's dossier of another flow. The link
 * stays open: the items are still owed, now in the other dossier.
 */
function handOver(turn: Turn, stepId: string, h: NonNullable<FlowStep['handOver']>): void {
  const reason = `handed over to flow '${h.flow}'${h.reason ? `: ${h.reason}` : ''}`;
  endCase(turn, 'stopped', reason, { closeLink: false, stepId });
  emit(turn, {
    type: 'handOver',
    stepId,
    flow: h.flow,
    reason: h.reason ?? `handed over by step '${stepId}'`,
  });
}

export function skip(turn: Turn, stepId: string, reason: string): void {
  emit(turn, { type: 'skip', stepId, reason });
  note(turn, `Step '${stepId}' skipped: ${reason}`, stepId);
}

function runSend(turn: Turn, stepId: string, send: NonNullable<FlowStep['send']>): void {
  const choice = chooseChannel(turn, candidateChannels(turn, send.channel), stepTemplates(turn, send));
  if ('reason' in choice) {
    skip(turn, stepId, choice.reason);
    return;
  }
  const message = sendMessage(turn, stepId, choice.plan, {
    alsoVia: send.alsoVia ?? [],
    registered: send.registered ?? false,
    reason: 'step',
  });
  if (send.notice === 'fourteenDay') recordNotice(turn, stepId, message);
}

function runAlert(turn: Turn, stepId: string, alert: NonNullable<FlowStep['alert']>): void {
  const template = alert.template ?? 'consultant-alert';
  emit(turn, {
    type: 'alert',
    stepId,
    action: alert.action,
    template,
    ...(alert.note !== undefined ? { note: alert.note } : {}),
  });
  note(turn, alertScheduledText(alert.action), stepId);
}

function runBranch(turn: Turn, stepId: string, branch: NonNullable<FlowStep['branch']>): boolean {
  const outcome = decideBranch(turn, branch);
  if ('error' in outcome) {
    endCase(turn, 'stopped', outcome.error, { closeLink: false, stepId });
    return false;
  }
  if ('next' in outcome) {
    note(turn, `Branch '${stepId}': no case matched, continuing with the next step`, stepId);
    turn.state.cursor++;
    return true;
  }
  return jumpTo(turn, outcome.goto, `Branch '${stepId}': ${outcome.because}`, stepId);
}

/** Moves the cursor to a step by id; an unknown id stops the case (the compiler should have caught it). */
export function jumpTo(turn: Turn, target: string, why: string, stepId?: string): boolean {
  const index = turn.flow.steps.findIndex((s) => s.id === target);
  if (index < 0) {
    endCase(turn, 'stopped', `step '${target}' does not exist in flow '${turn.flow.name}'`, {
      closeLink: false,
      ...(stepId !== undefined ? { stepId } : {}),
    });
    return false;
  }
  note(turn, `${why}; continuing at step '${target}'`, stepId);
  turn.state.cursor = index;
  return true;
}
