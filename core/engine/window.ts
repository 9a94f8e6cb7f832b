// The flow's dispatch window: send and alert steps, and reactions that reach people, only run inside it.
import type { Turn } from './turn.js';

/** When `t` is outside the flow's dispatch window: the next opening and why; undefined when inside. */
export function windowDeferral(turn: Turn, t: Date): { at: Date; because: string } | undefined {
  const w = turn.flow.window;
  if (!w) return undefined;
  const at = turn.ctx.calendar.nextOpening(t, w);
  if (at.getTime() <= t.getTime()) return undefined;
  return { at, because: turn.ctx.calendar.explainDeferral?.(t, at, w) ?? 'outside dispatch window' };
}
