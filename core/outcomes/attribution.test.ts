import { describe, expect, it } from 'vitest';
import { costPerEuroRecovered, flowTotals, stepTotals } from './aggregate.js';
import { type DossierHistory, dossierOutcome, messageOutcomes } from './attribution.js';
import { priceCents } from './price.js';

const day = (n: number, hour = 9) => new Date(Date.UTC(2026, 10, 1 + n, hour));

// A dossier of €100.00 started on day 0: an email on day 0 (8 cents), an SMS on day 5 (7.5 cents),
// €40 paid on day 2, a reply "stop" to the email on day 6, the rest (€60) paid on day 9.
const history: DossierHistory = {
  startedAt: day(0, 8),
  messages: [
    { id: 'sms', step: 'sms-reminder', channel: 'sms', sentAt: day(5), costCents: 7.5 },
    { id: 'mail', step: 'first-mail', channel: 'email', sentAt: day(0), costCents: 0.08 },
  ],
  payments: [
    { at: day(9), amount: 6000, balanceAfter: 0 },
    { at: day(2), amount: 4000, balanceAfter: 6000 },
  ],
  arrangements: [],
  replies: [{ at: day(6), replyClass: 'stop', messageId: 'mail' }],
};

describe('dossier outcome', () => {
  it('paid partly within 3 and 7 days, in full within 14 and 30; everything from the start counts', () => {
    const o = dossierOutcome(history, day(40));
    expect(o.paidInFullWithin).toEqual({ 3: false, 7: false, 14: true, 30: true });
    expect(o.paidPartlyWithin).toEqual({ 3: true, 7: true, 14: false, 30: false });
    expect(o.recovered).toBe(10000);
    expect(o.costCents).toBe(7.58);
    expect(o).toMatchObject({ messages: 2, replied: true, complaint: true, arrangement: false, final: true });
    expect(o.paidInFullAt).toEqual(day(9));
  });

  it('an unpaid dossier is final only once the 30-day window has passed', () => {
    const unpaid = { ...history, payments: [], replies: [] };
    expect(dossierOutcome(unpaid, day(20)).final).toBe(false);
    expect(dossierOutcome(unpaid, day(31)).final).toBe(true);
    expect(dossierOutcome(unpaid, day(31))).toMatchObject({ recovered: 0, replied: false, complaint: false });
  });

  it('a payment before the dossier started does not count; an "other" reply is no complaint', () => {
    const o = dossierOutcome(
      {
        ...history,
        payments: [{ at: day(-1), amount: 100, balanceAfter: 9900 }],
        replies: [{ at: day(1), replyClass: 'other' }],
        arrangements: [day(3)],
      },
      day(10),
    );
    expect(o).toMatchObject({
      recovered: 0,
      replied: true,
      complaint: false,
      arrangement: true,
      final: false,
    });
    expect(o.paidPartlyWithin[30]).toBe(false);
  });
});

describe('message outcomes: last touch', () => {
  it('each payment belongs to the last message sent before it; a reply to the message it answers', () => {
    const [mail, sms] = messageOutcomes(history);
    expect(mail?.message.id).toBe('mail');
    // €40 on day 2 follows the mail; the settling €60 on day 9 follows the SMS (sent day 5).
    expect(mail).toMatchObject({ recovered: 4000, replied: true, complaint: true, costCents: 0.08 });
    expect(mail?.paidPartlyWithin).toEqual({ 3: true, 7: true, 14: true, 30: true });
    expect(mail?.paidInFullWithin[30]).toBe(false);
    expect(sms).toMatchObject({ recovered: 6000, replied: false, complaint: false, costCents: 7.5 });
    // Day 5 09:00 to day 9 09:00 is 4 days: in full within 7, not within 3.
    expect(sms?.paidInFullWithin).toEqual({ 3: false, 7: true, 14: true, 30: true });
  });

  it('a reply without a known message, and an arrangement, go to the last message before them', () => {
    const [mail, sms] = messageOutcomes({
      ...history,
      payments: [],
      replies: [{ at: day(7), replyClass: 'dispute' }],
      arrangements: [day(1)],
    });
    expect(mail).toMatchObject({ arrangement: true, replied: false });
    expect(sms).toMatchObject({ arrangement: false, replied: true, complaint: true });
  });

  it('a payment before the first message belongs to no message', () => {
    const out = messageOutcomes({
      ...history,
      payments: [{ at: day(0, 7), amount: 10000, balanceAfter: 0 }],
    });
    expect(out.map((m) => m.recovered)).toEqual([0, 0]);
  });
});

describe('totals', () => {
  it('per flow counts dossiers, per flow/step/channel counts messages, cost per euro recovered in cents', () => {
    const unpaid = { ...history, payments: [], replies: [] };
    const flows = flowTotals([
      { flow: 'rent', outcome: dossierOutcome(history, day(40)) },
      { flow: 'rent', outcome: dossierOutcome(unpaid, day(20)) },
    ]);
    expect(flows).toEqual([
      expect.objectContaining({ flow: 'rent', dossiers: 2, final: 1, recovered: 10000, complaints: 1 }),
    ]);
    expect(flows[0]?.paidInFull).toEqual({ 3: 0, 7: 0, 14: 1, 30: 1 });
    expect(flows[0]?.costCents).toBe(15.16);
    const steps = stepTotals(
      [history, unpaid].flatMap((h) => messageOutcomes(h).map((outcome) => ({ flow: 'rent', outcome }))),
    );
    expect(steps.map((s) => [s.step, s.channel, s.messages, s.recovered])).toEqual([
      ['first-mail', 'email', 2, 4000],
      ['sms-reminder', 'sms', 2, 6000],
    ]);
    // 15.16 cents for €100.00: 0.15 cents per euro.
    expect(costPerEuroRecovered(flows[0]!)).toBe(0.15);
    expect(costPerEuroRecovered({ costCents: 5, recovered: 0 })).toBeNull();
  });
});

describe('pricePerMessage', () => {
  it('reads a decimal in euros as cents, fractions of a cent kept', () => {
    expect(priceCents('0.075')).toBe(7.5);
    expect(priceCents('1')).toBe(100);
    expect(priceCents('0.0008')).toBe(0.08);
    expect(priceCents(undefined)).toBeUndefined();
    expect(() => priceCents('1,50')).toThrow(/not a decimal/);
  });
});
