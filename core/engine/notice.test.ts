// The 14-day letter and statutory costs as steps (docs/collections-law.md § 7): the deadline is computed
// when the letter is asked for, costs come only after its term ended unpaid, never after a payment in the
// term or a freeze, and the compiler's path check finds an addCosts step a path reaches without a letter.
import { describe, expect, it } from 'vitest';
import { costsWithoutNotice } from './notice-paths.js';
import { Driver, flow, makeWorld, OFFICE_HOURS } from './test-kit.js';

const TUESDAY = '2026-03-03T10:00:00.000Z';

const noticeFlow = () =>
  flow(
    [
      { id: 'notice', send: { channel: 'email', template: 'notice', notice: 'fourteenDay' } },
      { id: 'wait-term', wait: { for: '1d' } },
      { id: 'costs', addCosts: { basis: 'statutory' } },
      { id: 'wait-after', wait: { for: '1d' } },
      { id: 'next-letter', send: { channel: 'letter', template: 'after-costs' } },
    ],
    { window: OFFICE_HOURS },
  );

describe('the 14-day letter and statutory costs', () => {
  it('an email notice computes its term and costs, and costs are added after the term ended unpaid', () => {
    const d = new Driver(noticeFlow());
    const started = d.start(TUESDAY);
    expect(started.map((e) => e.type)).toEqual(['send', 'notice', 'schedule']);
    // Email: received the day it was sent (Tue 3 March), 14 days from Wed 4 March: Tue 17 March.
    expect(d.state.notice).toMatchObject({
      channelType: 'email',
      sentOn: '2026-03-03',
      assumedReceiptOn: '2026-03-03',
      deadline: '2026-03-17',
      costsChargeableFrom: '2026-03-18',
      principalCents: 12_500,
      // 15 % of € 125 is € 18,75: the € 40 minimum (BIK art. 2 lid 2).
      costsCents: 4_000,
      items: [{ externalId: 'R-1', principalCents: 12_500 }],
    });
    // The costs step waits for the first chargeable day, not a day before.
    d.runUntil('2026-03-05T00:00:00.000Z');
    expect(d.state.pendingStepId).toBe('costs');
    expect(d.state.pendingAt).toBe('2026-03-18T00:00:00.000Z');
    expect(d.effects.some((e) => e.type === 'costsAdded')).toBe(false);
    d.runUntil('2026-03-20T00:00:00.000Z');
    const added = d.effects.find((e) => e.type === 'costsAdded');
    expect(added).toMatchObject({
      stepId: 'costs',
      line: { amountCents: 4_000, vatCents: 0, principalCents: 12_500, items: ['R-1'], basis: 'statutory' },
    });
    expect(d.state.costs).toHaveLength(1);
    expect(d.sends().map((s) => s.stepId)).toEqual(['notice', 'next-letter']);
  });

  it('a letter is received on the second postal delivery day, and VAT is added when it cannot be reclaimed', () => {
    const f = flow([
      { id: 'notice', send: { channel: 'letter', template: 'notice', notice: 'fourteenDay' } },
    ]);
    const d = new Driver(f, makeWorld({ balance: 300_000 }));
    d.start('2026-04-24T10:00:00.000Z'); // Friday; Sat 25 April is a delivery day, 27 April Koningsdag is not
    expect(d.state.notice).toMatchObject({
      channelType: 'letter',
      sentOn: '2026-04-24',
      assumedReceiptOn: '2026-04-28',
      // € 3.000: 15 % of € 2.500 + 10 % of € 500 = € 425.
      costsCents: 42_500,
    });
  });

  it('a payment within the term adds no costs', () => {
    const d = new Driver(noticeFlow());
    d.start(TUESDAY);
    d.runUntil('2026-03-05T00:00:00.000Z');
    d.world.balance = 0;
    d.event('2026-03-10T09:00:00.000Z', { type: 'paid' });
    d.runUntil('2026-04-01T00:00:00.000Z');
    expect(d.state.status).toBe('stopped');
    expect(d.effects.some((e) => e.type === 'costsAdded')).toBe(false);
  });

  it('a part paid within the term lowers the costs to the scale over what is left, never above the letter', () => {
    const d = new Driver(noticeFlow(), makeWorld({ balance: 400_000 }));
    d.start(TUESDAY);
    // 15 % of € 2.500 + 10 % of € 1.500 = € 525 announced.
    expect(d.state.notice?.costsCents).toBe(52_500);
    d.world.balance = 100_000;
    d.event('2026-03-10T09:00:00.000Z', { type: 'partiallyPaid', balance: 100_000 });
    d.runUntil('2026-03-20T00:00:00.000Z');
    expect(d.state.costs?.[0]).toMatchObject({ amountCents: 15_000, principalCents: 100_000 });
  });

  it('a freeze after the letter voids it for costs: after the freeze the step adds nothing', () => {
    const d = new Driver(noticeFlow());
    d.start(TUESDAY);
    d.runUntil('2026-03-05T00:00:00.000Z');
    d.event('2026-03-10T09:00:00.000Z', { type: 'frozen', kind: 'debt-assistance' });
    expect(d.state.status).toBe('paused');
    expect(d.state.notice?.voided).toContain('debt assistance');
    d.event('2026-03-25T09:00:00.000Z', { type: 'unfrozen' });
    d.runUntil('2026-04-10T00:00:00.000Z');
    expect(d.effects.some((e) => e.type === 'costsAdded')).toBe(false);
    const skipped = d.effects.find((e) => e.type === 'skip' && e.stepId === 'costs');
    expect(skipped).toMatchObject({ reason: expect.stringContaining('send a new 14-day letter') });
  });

  it('the same letter by post and email in one instant keeps the later deadline of the post', () => {
    const f = flow([
      { id: 'letter', send: { channel: 'letter', template: 'notice', notice: 'fourteenDay' } },
      { id: 'email', send: { channel: 'email', template: 'notice', notice: 'fourteenDay' } },
    ]);
    const d = new Driver(f);
    d.start(TUESDAY);
    // Posted Tuesday 3 March: received Thursday 5 March, pay by Thursday 19 March.
    expect(d.state.notice).toMatchObject({ stepId: 'letter', deadline: '2026-03-19' });
    expect(d.effects.filter((e) => e.type === 'notice')).toHaveLength(1);
    expect(d.timeline.map((t) => t.text)).toContain(
      'Also the 14-day letter, by email: the term of the letter (pay by 2026-03-19) holds',
    );
  });

  it('an arrangement within the term voids the letter for costs; one after the term does not', () => {
    const within = new Driver(noticeFlow());
    within.start(TUESDAY);
    within.event('2026-03-10T09:00:00.000Z', { type: 'arrangement' });
    expect(within.state.notice?.voided).toContain('payment arrangement');
    const after = new Driver(noticeFlow());
    after.start(TUESDAY);
    after.event('2026-03-18T09:00:00.000Z', { type: 'arrangement' });
    expect(after.state.notice?.voided).toBeUndefined();
  });

  it('a letter that went by SMS is no 14-day letter', () => {
    const f = flow([{ id: 'notice', send: { channel: 'sms', template: 'notice', notice: 'fourteenDay' } }]);
    const d = new Driver(f);
    d.start(TUESDAY);
    expect(d.state.notice).toBeUndefined();
    expect(d.timeline.map((t) => t.text).join('\n')).toContain('Not a 14-day letter: it went by sms');
  });

  it('a second letter about the same items announces and adds no costs again (costs are charged once)', () => {
    const f = flow([
      { id: 'notice', send: { channel: 'email', template: 'notice', notice: 'fourteenDay' } },
      { id: 'wait-term', wait: { for: '15d' } },
      { id: 'costs', addCosts: { basis: 'statutory' } },
      { id: 'wait-more', wait: { for: '7d' } },
      { id: 'notice-2', send: { channel: 'email', template: 'notice', notice: 'fourteenDay' } },
      { id: 'wait-term-2', wait: { for: '15d' } },
      { id: 'costs-2', addCosts: { basis: 'statutory' } },
    ]);
    const d = new Driver(f);
    d.start(TUESDAY);
    d.runUntil('2026-05-01T00:00:00.000Z');
    expect(d.state.costs?.map((c) => c.amountCents)).toEqual([4_000]);
    expect(d.state.notice).toMatchObject({ stepId: 'notice-2', costsCents: 0 });
    expect(d.effects.find((e) => e.type === 'skip' && e.stepId === 'costs-2')).toMatchObject({
      reason: 'the costs of these items were charged before in this dossier',
    });
  });

  it('an addCosts step without a letter before it adds nothing', () => {
    const d = new Driver(flow([{ id: 'costs', addCosts: { basis: 'statutory' } }]));
    d.start(TUESDAY);
    expect(d.effects.find((e) => e.type === 'skip')).toMatchObject({
      reason: 'no 14-day letter was sent in this dossier, so no costs',
    });
  });
});

describe('costs only after a 14-day letter on every path (the compiler check)', () => {
  const notice = { id: 'notice', send: { template: 'n', notice: 'fourteenDay' as const } };
  const costs = { id: 'costs', addCosts: { basis: 'statutory' as const } };
  const wait = { id: 'wait', wait: { for: '14d' } };

  it('accepts a letter before the costs', () => {
    expect(costsWithoutNotice([notice, wait, costs])).toEqual([]);
  });

  it('finds costs reached from the start without a letter', () => {
    expect(costsWithoutNotice([wait, costs, notice])).toEqual([
      { index: 1, stepId: 'costs', via: 'the start of the flow' },
    ]);
  });

  it('finds a branch that jumps past the letter', () => {
    const branch = { id: 'check', branch: { cases: [{ when: 'case.opened', goto: 'costs' }] } };
    expect(costsWithoutNotice([branch, notice, wait, costs]).map((c) => c.stepId)).toEqual(['costs']);
  });

  it('finds a reaction goto that can land before the costs without a letter', () => {
    expect(costsWithoutNotice([notice, wait, costs], ['wait'])).toEqual([
      { index: 2, stepId: 'costs', via: `a reaction's goto to step "wait"` },
    ]);
  });
});
