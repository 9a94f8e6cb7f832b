// Test support for the engine's unit tests (not exported from index.ts): a small UTC calendar, a context
// builder, hand-built flows and a driver that plays the runtime's part (timers, cancellation).
import type { BundleFlow } from '../bundle/types.js';
import type { FlowReaction, FlowStep } from '../resources/types.generated.js';
import { advance, startCase } from './engine.js';
import type {
  CalendarPort,
  CaseEvent,
  CaseState,
  Effect,
  EngineContext,
  EvaluationVars,
  FlowWindow,
  TimelineEntry,
} from './types.js';

const DAY = 86_400_000;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** A UTC-only calendar: d, bd (Mon–Fri), h, m; windows by weekday and hours; no holidays. */
export const utcCalendar: CalendarPort = {
  timezone: 'UTC',
  addDuration(start, text) {
    let t = start.getTime();
    for (const [, n, unit] of text.matchAll(/(\d+)(bd|d|h|m)/g)) {
      const count = Number(n);
      if (unit === 'd') t += count * DAY;
      if (unit === 'h') t += count * 3_600_000;
      if (unit === 'm') t += count * 60_000;
      if (unit === 'bd') {
        for (let left = count; left > 0; ) {
          t += DAY;
          const wd = new Date(t).getUTCDay();
          if (wd !== 0 && wd !== 6) left--;
        }
      }
    }
    return new Date(t);
  },
  nextOpening(t, w) {
    const midnight = Math.floor(t.getTime() / DAY) * DAY;
    for (let i = 0; i < 14; i++) {
      const day = midnight + i * DAY;
      if (!w.days.includes(DAYS[new Date(day).getUTCDay()] ?? '')) continue;
      const open = day + minutes(w.from) * 60_000;
      const close = day + minutes(w.to) * 60_000;
      const at = Math.max(open, t.getTime());
      if (at < close) return new Date(at);
    }
    throw new Error('window never opens');
  },
  explainDeferral(from, _to, w) {
    const wd = DAYS[from.getUTCDay()] ?? '';
    if (!w.days.includes(wd) && (wd === 'sat' || wd === 'sun')) return 'weekend';
    return 'outside dispatch window';
  },
};

export const OFFICE_HOURS: FlowWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  skipHolidays: true,
};

/** What the tests let the debtor and receivable be; the evaluator reads it at call time. */
export interface World {
  balance: number;
  reachable: string[];
  preferredChannel?: string;
  channels: Record<string, string>;
  /** Expression source → implementation, for the few expressions the test flows use. */
  expressions: Record<string, (vars: EvaluationVars, world: World) => boolean>;
}

export function makeWorld(overrides: Partial<World> = {}): World {
  return {
    balance: 12_500,
    reachable: ['email', 'sms', 'letter'],
    channels: { email: 'email', sms: 'sms', letter: 'letter' },
    expressions: {
      'receivable.balance > 0': (_v, w) => w.balance > 0,
      'receivable.balance > 1000': (_v, w) => w.balance > 1000,
      'case.opened': (v) => v.case?.opened === true,
      'case.bounced': (v) => v.case?.bounced === true,
    },
    ...overrides,
  };
}

export function contextAt(
  now: Date | string,
  world: World,
  calendar: CalendarPort = utcCalendar,
): EngineContext {
  return {
    now: new Date(now),
    calendar,
    evaluate(expr, vars) {
      const fn = world.expressions[expr];
      if (!fn) throw new Error(`test world has no expression ${expr}`);
      return fn(vars, world);
    },
    debtor: world.preferredChannel === undefined ? {} : { preferredChannel: world.preferredChannel },
    reachable: (channel) => world.reachable.includes(channel),
    channelType: (channel) => world.channels[channel],
    items: [{ externalId: 'R-1', balance: world.balance, currency: 'EUR' }],
  };
}

export function flow(steps: FlowStep[], extra: Partial<BundleFlow> = {}): BundleFlow {
  return {
    name: 'test-flow',
    source: { kind: 'Flow', namespace: 'base', name: 'test-flow' },
    revision: 'r1',
    trigger: { kinds: ['storno'], classifications: [] },
    preconditions: [],
    fallback: ['email', 'sms', 'letter'],
    preferDebtorChoice: true,
    steps,
    reactions: [],
    revisionPolicy: 'keep',
    ...extra,
  };
}

interface Timer {
  at: string;
  input: { type: 'due'; stepId: string } | { type: 'watch'; messageId: string; reaction: number };
}

/**
 * Plays the runtime: keeps the case state, turns schedule and watch effects into timers, drops them all
 * on cancelScheduled and hold, and fires them in time order. Every effect and timeline entry is kept, in order.
 */
export class Driver {
  state!: CaseState;
  readonly effects: Effect[] = [];
  readonly timeline: TimelineEntry[] = [];
  timers: Timer[] = [];

  constructor(
    readonly flow: BundleFlow,
    readonly world: World = makeWorld(),
    readonly calendar: CalendarPort = utcCalendar,
  ) {}

  start(at: string, classification = 'standard'): Effect[] {
    return this.take(startCase(this.flow, classification, contextAt(at, this.world, this.calendar)));
  }

  event(at: string, event: CaseEvent): Effect[] {
    return this.apply(at, { type: 'event', event });
  }

  due(at: string, stepId: string): Effect[] {
    return this.apply(at, { type: 'due', stepId });
  }

  apply(at: string, input: Parameters<typeof advance>[2]): Effect[] {
    return this.take(advance(this.flow, this.state, input, contextAt(at, this.world, this.calendar)));
  }

  /** Fires every timer due at or before `until`, earliest first (a timer's own time is `now`). */
  runUntil(until: string): Effect[] {
    const out: Effect[] = [];
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.at.localeCompare(b.at))[0];
      if (!next || next.at > until) return out;
      this.timers = this.timers.filter((t) => t !== next);
      out.push(...this.apply(next.at, next.input));
    }
  }

  sends(): Extract<Effect, { type: 'send' }>[] {
    return this.effects.filter((e): e is Extract<Effect, { type: 'send' }> => e.type === 'send');
  }

  lastMessageId(): string {
    const last = this.state.messages.at(-1);
    if (!last) throw new Error('no message sent');
    return last.messageId;
  }

  private take(result: ReturnType<typeof advance>): Effect[] {
    this.state = result.state;
    this.effects.push(...result.effects);
    this.timeline.push(...result.timeline);
    for (const e of result.effects) {
      if (e.type === 'schedule') this.timers.push({ at: e.at, input: { type: 'due', stepId: e.stepId } });
      if (e.type === 'watch') {
        this.timers.push({
          at: e.at,
          input: { type: 'watch', messageId: e.messageId, reaction: e.reaction },
        });
      }
      // A pause cancels the timers too (the engine sets them again on resume).
      if (e.type === 'cancelScheduled' || e.type === 'hold') this.timers = [];
    }
    return result.effects;
  }
}

/** The storno flow of the brief: email now, wait 5bd, SMS, wait 3d, alert call, stop. */
export function stornoFlow(extra: Partial<BundleFlow> = {}): BundleFlow {
  return flow(
    [
      { id: 'storno-email', send: { channel: 'email', template: 'storno-email' } },
      { id: 'wait-5bd', wait: { for: '5bd' } },
      { id: 'sms-reminder', send: { channel: 'sms', template: 'storno-sms' } },
      { id: 'wait-3d', wait: { for: '3d' } },
      { id: 'call', alert: { action: 'call', note: 'Storno not resolved' } },
      { id: 'end', stop: { reason: 'flow finished: consultant calls' } },
    ],
    { window: OFFICE_HOURS, ...extra },
  );
}

/** A flow reaction; `then` is the CRD's field name, never awaited. */
export function reaction(
  event: FlowReaction['event'],
  then: FlowReaction['then'],
  extra: Omit<FlowReaction, 'event' | 'then'> = {},
): FlowReaction {
  return { event, then, ...extra };
}
