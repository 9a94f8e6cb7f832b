// One call of the engine: a private copy of the case state plus the effects and timeline it produces.
// Helpers mutate the copy; the caller's state is never touched.
import type { BundleFlow } from '../bundle/types.js';
import { plainCopy } from './plain-copy.js';
import type { CaseState, Effect, EngineContext, EngineResult, TimelineEntry } from './types.js';

export interface Turn {
  readonly flow: BundleFlow;
  readonly ctx: EngineContext;
  readonly state: CaseState;
  readonly effects: Effect[];
  readonly timeline: TimelineEntry[];
  /** ctx.now as ISO 8601. */
  readonly at: string;
}

export function openTurn(flow: BundleFlow, state: CaseState, ctx: EngineContext): Turn {
  const copy = plainCopy(state);
  copy.watches ??= [];
  copy.done ??= [];
  copy.messages ??= [];
  copy.channelsTried ??= [];
  return { flow, ctx, state: copy, effects: [], timeline: [], at: ctx.now.toISOString() };
}

export function closeTurn(turn: Turn): EngineResult {
  return { state: turn.state, effects: turn.effects, timeline: turn.timeline };
}

export function emit(turn: Turn, effect: Effect): void {
  turn.effects.push(effect);
}

export function note(turn: Turn, text: string, stepId?: string): void {
  turn.timeline.push(stepId === undefined ? { at: turn.at, text } : { at: turn.at, stepId, text });
}

/**
 * Ends the case: clears timers (cancelScheduled when any was pending, or sends may be held by a pause),
 * closes the link when asked.
 */
export function endCase(
  turn: Turn,
  status: 'stopped' | 'completed',
  reason: string,
  opts: { closeLink: boolean; stepId?: string },
): void {
  const s = turn.state;
  if (s.pendingStepId !== undefined || s.watches.length > 0 || s.status === 'paused') {
    emit(turn, { type: 'cancelScheduled', reason });
  }
  s.status = status;
  s.endReason = reason;
  delete s.pendingStepId;
  delete s.pendingAt;
  s.watches = [];
  if (opts.closeLink && !s.linkClosed) closeLink(turn, reason);
  emit(turn, { type: 'end', status, reason });
  note(turn, status === 'completed' ? `Case completed: ${reason}` : `Case stopped: ${reason}`, opts.stepId);
}

export function closeLink(turn: Turn, reason: string): void {
  turn.state.linkClosed = true;
  emit(turn, { type: 'closeLink', reason });
  note(turn, 'Payment link closed');
}
