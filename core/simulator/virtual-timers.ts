// The case's pending timers on the virtual clock: what the runtime keeps as `steps` rows in Postgres.
import type { EngineInput } from '../engine/index.js';

export interface VirtualTimer {
  at: number;
  input: Extract<EngineInput, { type: 'due' | 'watch' }>;
}

export class VirtualTimers {
  private timers: (VirtualTimer & { key: string; seq: number })[] = [];
  private seq = 0;

  /** Adds a timer; the same input at the same time twice is one timer (the runtime's dedupe key). */
  add(at: Date, input: VirtualTimer['input']): void {
    const id = input.type === 'due' ? `due:${input.stepId}` : `watch:${input.messageId}:${input.reaction}`;
    const key = `${id}@${at.getTime()}`;
    if (this.timers.some((t) => t.key === key)) return;
    this.timers.push({ at: at.getTime(), input, key, seq: this.seq++ });
  }

  /** The cancelScheduled effect: every pending timer of the case goes. */
  clear(): void {
    this.timers = [];
  }

  /** The earliest timer (first added on a tie), without removing it. */
  peek(): VirtualTimer | undefined {
    let first: (typeof this.timers)[number] | undefined;
    for (const t of this.timers) {
      if (!first || t.at < first.at || (t.at === first.at && t.seq < first.seq)) first = t;
    }
    return first;
  }

  /** Removes and returns the earliest timer. */
  take(): VirtualTimer | undefined {
    const first = this.peek();
    if (first) this.timers = this.timers.filter((t) => t !== first);
    return first;
  }
}
