import { describe, expect, it } from 'vitest';
import {
  addDuration,
  type CalendarSettings,
  type DispatchWindow,
  explainDeferral,
  nextWindowOpening,
  parseFlowDuration,
  type Weekday,
} from '../calendar/index.js';
import { buildActivation, compileExpression, evaluateBool, isCelCompileError } from '../cel/index.js';
import { advance, startCase } from './engine.js';
import { flow, OFFICE_HOURS } from './test-kit.js';
import type { EngineContext, FlowWindow } from './types.js';

// The engine's ports filled with the real core/calendar and core/cel, the way core/cases/engine-context.ts
// does for the runtime and the simulator.
const AMSTERDAM: CalendarSettings = { timezone: 'Europe/Amsterdam', holidayCountry: 'NL' };
const CHANNELS: Record<string, string> = { email: 'email', sms: 'sms' };

const toWindow = (w: FlowWindow): DispatchWindow => ({ ...w, days: w.days as Weekday[] });

function realContext(now: string, balance: number): EngineContext {
  const at = new Date(now);
  const activation = buildActivation({
    receivable: {
      externalId: 'R-1001',
      kind: 'storno',
      amount: 12_500,
      balance,
      dueDate: '2026-03-28',
      source: 'production',
    },
    debtor: { id: 'D-1', email: 'tenant@example.org', phone: '+31600000000' },
    now: at,
    timeZone: AMSTERDAM.timezone,
  });
  return {
    now: at,
    calendar: {
      timezone: AMSTERDAM.timezone,
      addDuration: (start, text) => addDuration(start, parseFlowDuration(text), AMSTERDAM),
      nextOpening: (t, w) => nextWindowOpening(t, toWindow(w), AMSTERDAM),
      explainDeferral: (from, to, w) => explainDeferral(from, to, toWindow(w), AMSTERDAM),
    },
    evaluate: (source, vars, env) => {
      const expr = compileExpression(source, env);
      if (isCelCompileError(expr)) throw expr;
      return evaluateBool(expr, { ...activation, ...vars });
    },
    debtor: {},
    reachable: () => true,
    channelType: (channel) => CHANNELS[channel],
  };
}

const easterFlow = () =>
  flow(
    [
      { id: 'email', send: { channel: 'email', template: 'storno-email' } },
      { id: 'wait-1d', wait: { for: '1d' } },
      { id: 'sms', send: { channel: 'sms', template: 'storno-sms' } },
      { id: 'seen', branch: { cases: [{ when: 'case.opened && case.stepsSent == 2', goto: 'done' }] } },
      { id: 'call', alert: { action: 'call' } },
      { id: 'done', stop: { reason: 'the debtor has seen the reminders' } },
    ],
    {
      window: OFFICE_HOURS,
      preconditions: [
        { name: 'open-balance', expr: 'receivable.balance > 0', reason: 'nothing left to pay' },
      ],
    },
  );

describe('engine wired to the real calendar and CEL', () => {
  it('moves a reminder due on Easter Saturday to Tuesday 09:00 Amsterdam time and branches on CEL', () => {
    const f = easterFlow();
    // Friday 3 April 2026, 10:00 in Amsterdam (CEST)
    const start = startCase(f, 'standard', realContext('2026-04-03T08:00:00.000Z', 12_500));
    expect(start.effects).toContainEqual({
      type: 'schedule',
      stepId: 'sms',
      at: '2026-04-07T07:00:00.000Z',
      deferredBecause: 'weekend; then public holiday: Tweede paasdag',
    });
    expect(start.timeline.map((t) => t.text)).toContain(
      'Deferred to Tue 7 Apr 2026 09:00: weekend; then public holiday: Tweede paasdag',
    );

    const emailId = start.state.messages[0]?.messageId ?? '';
    const opened = advance(
      f,
      start.state,
      { type: 'event', event: { type: 'opened', messageId: emailId } },
      realContext('2026-04-04T09:00:00.000Z', 12_500),
    );
    const due = advance(
      f,
      opened.state,
      { type: 'due', stepId: 'sms' },
      realContext('2026-04-07T07:00:00.000Z', 12_500),
    );
    expect(due.effects.map((e) => e.type)).toEqual(['send', 'closeLink', 'end']);
    expect(due.state).toMatchObject({ status: 'stopped', endReason: 'the debtor has seen the reminders' });
  });

  it('skips the reminder when the real precondition finds nothing left to pay', () => {
    const f = easterFlow();
    const start = startCase(f, 'standard', realContext('2026-04-03T08:00:00.000Z', 12_500));
    const due = advance(
      f,
      start.state,
      { type: 'due', stepId: 'sms' },
      realContext('2026-04-07T07:00:00.000Z', 0),
    );
    expect(due.effects).toEqual([
      { type: 'skip', stepId: 'sms', reason: 'nothing left to pay' },
      { type: 'end', status: 'stopped', reason: 'nothing left to pay' },
    ]);
  });
});
