import { describe, expect, it } from 'vitest';
import { Driver, reaction, stornoFlow } from './test-kit.js';
import type { Effect, PlanInput } from './types.js';

const TUESDAY = '2026-03-03T10:00:00.000Z';

const plan: PlanInput = {
  kind: 'plan',
  source: 'erp',
  reference: 'R-1',
  madeOn: '2026-03-04',
  graceDays: 5,
  terms: [
    { dueOn: '2026-03-10', amountCents: 10_000 },
    { dueOn: '2026-04-10', amountCents: 10_000 },
    { dueOn: '2026-05-10', amountCents: 10_000 },
  ],
};

const records = (effects: Effect[]) =>
  effects.filter((e): e is Extract<Effect, { type: 'record' }> => e.type === 'record');

describe('a monitored payment arrangement', () => {
  it('pauses the dossier and sets its check for the day after the first term’s grace', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    const effects = d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    expect(d.state.status).toBe('paused');
    expect(effects).toContainEqual({
      type: 'watch',
      messageId: 'arrangement:check',
      reaction: -1,
      at: '2026-03-16T00:00:00.000Z',
    });
  });

  it('a first term paid and the second missed: after the grace the plan lapses, the flow resumes and alerts', () => {
    const d = new Driver(stornoFlow({ reactions: [reaction('arrangementBroken', 'alert')] }));
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    d.event('2026-03-09T12:00:00.000Z', { type: 'partiallyPaid', balance: 20_000 });
    // The first check finds the first term paid and sets the next one after the second term's grace.
    expect(records(d.runUntil('2026-04-15T23:00:00.000Z'))).toEqual([]);
    expect(d.state.status).toBe('paused');
    const lapsed = d.runUntil('2026-04-16T00:00:00.000Z');
    expect(records(lapsed)).toEqual([
      {
        type: 'record',
        event: 'arrangement.broken',
        data: {
          reference: 'R-1',
          term: 2,
          dueOn: '2026-04-10',
          amountCents: 10_000,
          outstandingCents: 10_000,
          graceEndedOn: '2026-04-15',
        },
      },
    ]);
    expect(d.state.status).toBe('active');
    expect(d.state.arrangement).toBeUndefined();
    // The alert waits for the flow's dispatch window, then tells the consultants the plan lapsed.
    const alerted = d.runUntil('2026-04-16T09:00:00.000Z');
    expect(alerted).toContainEqual(
      expect.objectContaining({ type: 'alert', note: 'payment arrangement lapsed' }),
    );
  });

  it('a payment on the last day of grace keeps the plan', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    d.event('2026-03-15T20:00:00.000Z', { type: 'partiallyPaid', balance: 20_000 });
    expect(records(d.runUntil('2026-03-20T00:00:00.000Z'))).toEqual([]);
    expect(d.state.status).toBe('paused');
  });

  it('the flow declares stop: a lapsed plan stops the dossier', () => {
    const d = new Driver(stornoFlow({ reactions: [reaction('arrangementBroken', 'stop')] }));
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    d.runUntil('2026-03-16T00:00:00.000Z');
    expect(d.state).toMatchObject({ status: 'stopped', endReason: 'payment arrangement lapsed' });
  });

  it('a plan paid in full is completed and closes the dossier', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    d.event('2026-03-09T12:00:00.000Z', { type: 'partiallyPaid', balance: 20_000 });
    d.event('2026-04-09T12:00:00.000Z', { type: 'partiallyPaid', balance: 10_000 });
    const last = d.event('2026-05-09T12:00:00.000Z', { type: 'paid', balance: 0 });
    expect(records(last)).toEqual([
      {
        type: 'record',
        event: 'arrangement.completed',
        data: { reference: 'R-1', totalCents: 30_000, paidCents: 30_000 },
      },
    ]);
    expect(d.state).toMatchObject({ status: 'stopped', endReason: 'receivable paid', linkClosed: true });
    expect(records(d.runUntil('2026-06-01T00:00:00.000Z'))).toEqual([]);
  });

  it('a plan over part of the debt, paid in full, completes the dossier though a balance is left', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', {
      type: 'arrangement',
      plan: { ...plan, terms: [{ dueOn: '2026-03-10', amountCents: 10_000 }] },
    });
    // The plan's 100,00 of a 250,00 total.
    d.event('2026-03-04T10:00:01.000Z', { type: 'balanceChanged', balance: 25_000 });
    d.event('2026-03-09T12:00:00.000Z', { type: 'partiallyPaid', balance: 15_000 });
    expect(d.state).toMatchObject({ status: 'completed', endReason: 'payment arrangement completed' });
  });

  it('a broken promise to pay resumes the flow', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', {
      type: 'arrangement',
      plan: {
        kind: 'promise',
        source: 'tenant',
        madeOn: '2026-03-04',
        graceDays: 3,
        terms: [{ dueOn: '2026-03-12', amountCents: 30_000 }],
      },
    });
    expect(d.state.status).toBe('paused');
    const broken = d.runUntil('2026-03-16T00:00:00.000Z');
    expect(records(broken).map((r) => r.event)).toEqual(['promise.broken']);
    expect(d.state.status).toBe('active');
  });

  it('the flow reminds before each unpaid instalment although the dossier is paused, never for a paid one', () => {
    const d = new Driver(
      stornoFlow({ arrangementReminder: { daysBefore: 3, template: 'storno-sms', channel: 'sms' } }),
    );
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    // Term 1 (10 March) is paid on the 6th, before its reminder day (7 March): no reminder for it.
    d.event('2026-03-06T12:00:00.000Z', { type: 'partiallyPaid', balance: 20_000 });
    const sends = (effects: Effect[]) =>
      effects.filter((e): e is Extract<Effect, { type: 'send' }> => e.type === 'send');
    expect(sends(d.runUntil('2026-04-01T00:00:00.000Z'))).toEqual([]);
    // Term 2 (10 April): three days before, at 09:00, within the office hours, while paused.
    const reminded = sends(d.runUntil('2026-04-07T09:00:00.000Z'));
    expect(reminded).toEqual([
      expect.objectContaining({
        channel: 'sms',
        template: 'storno-sms',
        duringPause: true,
        reason: 'reminder before instalment 2 of 3 (€ 100.00 due 2026-04-10)',
      }),
    ]);
    expect(d.state.status).toBe('paused');
  });

  it('the ERP resuming the dossier ends the plan: no lapse later', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    expect(records(d.event('2026-03-05T10:00:00.000Z', { type: 'resumed' }))).toEqual([
      {
        type: 'record',
        event: 'arrangement.ended',
        data: { reference: 'R-1', reason: 'the ERP resumed the dossier' },
      },
    ]);
    expect(d.state).toMatchObject({ status: 'active' });
    expect(records(d.runUntil('2026-06-01T00:00:00.000Z'))).toEqual([]);
  });
});

describe('what the timeline says an arrangement is', () => {
  it('a promise to pay is noted as one, a plan as a payment arrangement', () => {
    const promise: PlanInput = {
      ...plan,
      kind: 'promise',
      terms: [{ dueOn: '2026-03-20', amountCents: 30_000 }],
    };
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan: promise });
    const texts = d.timeline.map((e) => e.text);
    expect(texts).toContain('Promise to pay made');
    expect(texts).not.toContain('Payment arrangement made');

    const p = new Driver(stornoFlow());
    p.start(TUESDAY);
    p.event('2026-03-04T10:00:00.000Z', { type: 'arrangement', plan });
    expect(p.timeline.map((e) => e.text)).toContain('Payment arrangement made');
  });
});
