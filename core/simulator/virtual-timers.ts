// The case's pending work on the virtual clock: what the runtime keeps as `steps` rows in Postgres —
// step timers and watches the engine asked for, and sends or alerts waiting for their spread slot.
import type { Effect, EngineInput } from '../engine/index.js';

export type DispatchEffect = Extract<Effect, { type: 'send' | 'alert' }>;

export type TimerInput =
  | Extract<EngineInput, { type: 'due' | 'watch' }>
  /** A send or alert the flow's spread (maxPerHour) placed later than the turn that asked for it. */
  | { type: 'dispatch'; effect: DispatchEffect };

export interface VirtualTimer {
  at: number;
  input: TimerInput;
}

function keyOf(input: TimerInput): string {
  switch (input.type) {
    case 'due':
      return `due:${input.stepId}`;
    case 'watch':
      return `watch:${input.messageId}:${input.reaction}`;
    case 'dispatch':
      return input.effect.type === 'send'
        ? `send:${input.effect.messageId}`
        : `alert:${input.effect.stepId}:${input.effect.action}`;
  }
}

export class VirtualTimers {
  private timers: (VirtualTimer & { key: string; seq: number })[] = [];
  private seq = 0;

  /** Adds a timer; the same input at the same time twice is one timer (the runtime's dedupe key). */
  add(at: Date, input: TimerInput): void {
    const key = `${keyOf(input)}@${at.getTime()}`;
    if (this.timers.some((t) => t.key === key)) return;
    this.timers.push({ at: at.getTime(), input, key, seq: this.seq++ });
  }

  /** The cancelScheduled effect: every pending timer of the case goes; the ones dropped are returned. */
  clear(): VirtualTimer[] {
    const dropped = this.timers;
    this.timers = [];
    return dropped;
  }

  /** The earliest timer (first added on a tie), without removing it. */
  peek(): VirtualTimer | undefined {
    let first: (typeof this.timers)[number] | undefined;
    for (const t of this.timers) {
      if (!first || t.at < first.at || (t.at === first.at && t.seq < first.seq)) first = t;
    }
    return first;
  }

  /** Every pending timer, in no particular order. */
  pending(): readonly VirtualTimer[] {
    return this.timers;
  }

  /** Removes and returns the earliest timer. */
  take(): VirtualTimer | undefined {
    const first = this.peek();
    if (first) this.timers = this.timers.filter((t) => t !== first);
    return first;
  }
}
