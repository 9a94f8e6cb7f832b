import { describe, expect, it } from 'vitest';
import { advance, startCase } from './engine.js';
import { contextAt, Driver, flow, makeWorld, OFFICE_HOURS, stornoFlow } from './test-kit.js';

describe('flow steps', () => {
  it('runs the storno flow to its end: email now, SMS five business days later, call alert three days after', () => {
    const d = new Driver(stornoFlow());
    const started = d.start('2026-03-03T10:00:00.000Z'); // a Tuesday

    expect(started).toEqual([
      expect.objectContaining({
        type: 'send',
        stepId: 'storno-email',
        channel: 'email',
        template: 'storno-email',
      }),
      { type: 'schedule', stepId: 'sms-reminder', at: '2026-03-10T10:00:00.000Z' },
    ]);
    expect(d.state).toMatchObject({ status: 'active', cursor: 2, pendingStepId: 'sms-reminder' });

    d.runUntil('2026-03-31T00:00:00.000Z');

    const reached = d.effects.map((e) => ('stepId' in e ? `${e.type}:${e.stepId}` : e.type));
    expect(reached).toEqual([
      'send:storno-email',
      'schedule:sms-reminder',
      'send:sms-reminder',
      'schedule:call',
      'alert:call',
      'closeLink',
      'end',
    ]);
    expect(d.effects).toContainEqual({ type: 'schedule', stepId: 'call', at: '2026-03-13T10:00:00.000Z' });
    expect(d.effects).toContainEqual({
      type: 'alert',
      stepId: 'call',
      action: 'call',
      template: 'consultant-alert',
      note: 'Storno not resolved',
    });
    expect(d.state).toMatchObject({
      status: 'stopped',
      endReason: 'flow finished: consultant calls',
      linkClosed: true,
      done: ['storno-email', 'sms-reminder', 'call'],
    });
    expect(d.state.messages.map((m) => [m.stepId, m.channel, m.at])).toEqual([
      ['storno-email', 'email', '2026-03-03T10:00:00.000Z'],
      ['sms-reminder', 'sms', '2026-03-10T10:00:00.000Z'],
    ]);
    expect(d.timeline.map((t) => t.text)).toContain("Email 'storno-email' scheduled for sending via email");
    expect(d.timeline.map((t) => t.text)).toContain("SMS 'storno-sms' scheduled for sending via sms");
  });

  it('defers a send that falls on Saturday to Monday 09:00 and says why', () => {
    const d = new Driver(
      flow(
        [
          { id: 'first', send: { template: 'first-email' } },
          { id: 'pause', wait: { for: '1d' } },
          { id: 'second', send: { template: 'second-email' } },
        ],
        { window: OFFICE_HOURS },
      ),
    );
    d.start('2026-03-06T10:00:00.000Z'); // Friday

    const schedule = d.effects.find((e) => e.type === 'schedule');
    expect(schedule).toEqual({
      type: 'schedule',
      stepId: 'second',
      at: '2026-03-09T09:00:00.000Z',
      deferredBecause: 'weekend',
    });
    expect(d.timeline).toContainEqual({
      at: '2026-03-06T10:00:00.000Z',
      stepId: 'second',
      text: 'Deferred to Mon 9 Mar 2026 09:00: weekend',
    });
  });

  it('does not send a case started on Saturday before the window opens on Monday', () => {
    const d = new Driver(
      flow([{ id: 'first', send: { template: 'first-email' } }], { window: OFFICE_HOURS }),
    );
    const effects = d.start('2026-03-07T11:00:00.000Z');

    expect(effects).toEqual([
      { type: 'schedule', stepId: 'first', at: '2026-03-09T09:00:00.000Z', deferredBecause: 'weekend' },
    ]);
    d.runUntil('2026-03-09T09:00:00.000Z');
    expect(d.sends().map((s) => s.template)).toEqual(['first-email']);
    expect(d.state.messages[0]?.at).toBe('2026-03-09T09:00:00.000Z');
    expect(d.state.status).toBe('completed');
  });

  it('ignores a due timer for a step that is not pending (stale timer, replayed message)', () => {
    const f = stornoFlow();
    const world = makeWorld();
    const started = startCase(f, 'standard', contextAt('2026-03-03T10:00:00.000Z', world));

    for (const stepId of ['storno-email', 'call', 'nonexistent']) {
      const result = advance(
        f,
        started.state,
        { type: 'due', stepId },
        contextAt('2026-03-10T10:00:00Z', world),
      );
      expect(result.effects).toEqual([]);
      expect(result.timeline).toEqual([]);
      expect(result.state).toEqual(started.state);
    }
    const again = advance(f, started.state, { type: 'start' }, contextAt('2026-03-03T10:05:00Z', world));
    expect(again.effects).toEqual([]);
  });

  it('never runs the same step twice when the same due timer fires twice', () => {
    const d = new Driver(stornoFlow());
    d.start('2026-03-03T10:00:00.000Z');
    d.due('2026-03-10T10:00:00.000Z', 'sms-reminder');
    const replay = d.due('2026-03-10T10:00:01.000Z', 'sms-reminder');

    expect(replay).toEqual([]);
    expect(d.sends().filter((s) => s.stepId === 'sms-reminder')).toHaveLength(1);
  });

  it('does not mutate the state it is given', () => {
    const f = stornoFlow();
    const world = makeWorld();
    const started = startCase(f, 'standard', contextAt('2026-03-03T10:00:00.000Z', world));
    const frozen = structuredClone(started.state);
    advance(
      f,
      started.state,
      { type: 'due', stepId: 'sms-reminder' },
      contextAt('2026-03-10T10:00:00Z', world),
    );
    expect(started.state).toEqual(frozen);
  });

  it('completes the case when the last step has run and keeps the payment link open', () => {
    const d = new Driver(
      flow([{ id: 'only', send: { template: 'only-letter' }, description: 'x' }]),
      makeWorld(),
    );
    d.start('2026-03-03T10:00:00.000Z');
    expect(d.effects.at(-1)).toEqual({ type: 'end', status: 'completed', reason: 'all steps done' });
    expect(d.effects.some((e) => e.type === 'closeLink')).toBe(false);
  });

  it('keeps a trailing wait open for payments and completes when it ends', () => {
    const d = new Driver(
      flow([
        { id: 'letter', send: { channel: 'letter', template: 'final-letter', registered: true } },
        { id: 'grace', wait: { for: '14d' } },
      ]),
    );
    d.start('2026-03-03T10:00:00.000Z');
    expect(d.effects.at(-1)).toEqual({ type: 'schedule', stepId: 'grace', at: '2026-03-17T10:00:00.000Z' });
    expect(d.sends()[0]).toMatchObject({ channel: 'letter', registered: true });
    d.runUntil('2026-03-18T00:00:00.000Z');
    expect(d.state.status).toBe('completed');
  });
});

describe('branches', () => {
  const branching = () =>
    flow([
      { id: 'reminder', send: { template: 'reminder-email' } },
      { id: 'wait-2d', wait: { for: '2d' } },
      { id: 'check', branch: { cases: [{ when: 'case.opened', goto: 'soft' }], otherwise: 'hard' } },
      { id: 'soft', send: { channel: 'sms', template: 'soft-sms' } },
      { id: 'soft-end', stop: { reason: 'soft path done', closeLink: false } },
      { id: 'hard', alert: { action: 'call' } },
    ]);

  it('takes the opened path when the debtor opened the email', () => {
    const d = new Driver(branching());
    d.start('2026-03-03T10:00:00.000Z');
    d.event('2026-03-03T12:00:00.000Z', { type: 'opened', messageId: d.lastMessageId() });
    d.runUntil('2026-03-06T00:00:00.000Z');

    expect(d.sends().map((s) => s.stepId)).toEqual(['reminder', 'soft']);
    expect(d.effects.some((e) => e.type === 'alert')).toBe(false);
    expect(d.state).toMatchObject({ status: 'stopped', endReason: 'soft path done' });
    expect(d.state.linkClosed).toBeUndefined();
    expect(d.timeline.map((t) => t.text)).toContain("Branch 'check': case.opened; continuing at step 'soft'");
  });

  it('takes the otherwise path when the email was not opened', () => {
    const d = new Driver(branching());
    d.start('2026-03-03T10:00:00.000Z');
    d.runUntil('2026-03-06T00:00:00.000Z');

    expect(d.sends().map((s) => s.stepId)).toEqual(['reminder']);
    expect(d.effects).toContainEqual(
      expect.objectContaining({ type: 'alert', stepId: 'hard', action: 'call' }),
    );
    expect(d.state.status).toBe('completed');
  });

  it('skips a send step a branch leads back to, so the debtor never gets a step twice', () => {
    const d = new Driver(
      flow([
        { id: 'reminder', send: { template: 'reminder-email' } },
        { id: 'wait-1d', wait: { for: '1d' } },
        { id: 'again', branch: { cases: [{ when: 'case.bounced', goto: 'end' }], otherwise: 'reminder' } },
        { id: 'end', stop: {} },
      ]),
    );
    d.start('2026-03-03T10:00:00.000Z');
    d.runUntil('2026-03-10T00:00:00.000Z');

    expect(d.sends()).toHaveLength(1);
    expect(d.effects).toContainEqual({
      type: 'skip',
      stepId: 'reminder',
      reason: 'it already ran in this case',
    });
    expect(d.state.status).toBe('active'); // the flow keeps polling once a day, sending nothing
    expect(d.state.pendingStepId).toBe('again');
  });

  it('stops a flow that loops without a wait instead of spinning', () => {
    const d = new Driver(
      flow([
        { id: 'a', branch: { cases: [{ when: 'case.opened', goto: 'a' }], otherwise: 'b' } },
        { id: 'b', branch: { cases: [{ when: 'case.opened', goto: 'b' }], otherwise: 'a' } },
      ]),
    );
    d.start('2026-03-03T10:00:00.000Z');
    expect(d.state).toMatchObject({
      status: 'stopped',
      endReason: "the flow returns to step 'a' without a wait",
    });
  });

  it('stops the case when a branch condition cannot be evaluated', () => {
    const d = new Driver(
      flow([
        { id: 'odd', branch: { cases: [{ when: 'case.unknownThing', goto: 'x' }] } },
        { id: 'x', send: { template: 'x-email' } },
      ]),
    );
    d.start('2026-03-03T10:00:00.000Z');
    expect(d.sends()).toEqual([]);
    expect(d.state.status).toBe('stopped');
    expect(d.state.endReason).toMatch(/^branch condition 'case.unknownThing' could not be evaluated/);
  });
});

describe('preconditions', () => {
  const guarded = () =>
    stornoFlow({
      preconditions: [
        { name: 'worth-reminding', expr: 'receivable.balance > 1000', reason: 'open balance is €10 or less' },
      ],
    });

  it('skips the next step with the reason when a balance change makes a precondition fail', () => {
    const d = new Driver(guarded());
    d.start('2026-03-03T10:00:00.000Z');
    d.world.balance = 500;
    const recorded = d.event('2026-03-05T10:00:00.000Z', { type: 'partiallyPaid', balance: 500 });
    expect(recorded).toEqual([]);

    const at = d.runUntil('2026-03-31T00:00:00.000Z');
    expect(at).toEqual([
      { type: 'skip', stepId: 'sms-reminder', reason: 'open balance is €10 or less' },
      { type: 'end', status: 'stopped', reason: 'open balance is €10 or less' },
    ]);
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email']);
    expect(d.timeline.map((t) => t.text)).toContain(
      "Step 'sms-reminder' skipped: open balance is €10 or less",
    );
    expect(d.timeline.map((t) => t.text)).toContain('Partial payment received; open balance now 5.00');
  });

  it('does not start sending when a precondition fails at the start', () => {
    const d = new Driver(guarded(), makeWorld({ balance: 800 }));
    const effects = d.start('2026-03-03T10:00:00.000Z');
    expect(effects).toEqual([
      { type: 'skip', stepId: 'storno-email', reason: 'open balance is €10 or less' },
      { type: 'end', status: 'stopped', reason: 'open balance is €10 or less' },
    ]);
  });

  it('fails closed when a precondition cannot be evaluated', () => {
    const d = new Driver(stornoFlow({ preconditions: [{ name: 'broken', expr: 'receivable.nope' }] }));
    d.start('2026-03-03T10:00:00.000Z');
    expect(d.sends()).toEqual([]);
    expect(d.state.endReason).toMatch(/^precondition 'broken' could not be evaluated: /);
  });
});
