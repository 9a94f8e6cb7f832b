import { describe, expect, it } from 'vitest';
import {
  type ContactCandidate,
  type ContactPolicy,
  type ContactRecord,
  type ContactSend,
  contactPolicyOf,
  decideContact,
  lookbackMs,
  rollingMs,
} from './index.js';

const H = 3_600_000;
const D = 24 * H;
const now = new Date('2026-12-02T09:00:00Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

const perHousehold = (max: number, windowMs: number): ContactPolicy => ({
  household: { limits: [{ max, windowMs }] },
  priorities: ['legal', 'arrears', 'reminder', 'campaign'],
});

const sent = (offsetMs: number, debtor = 'D1', channelType = 'email'): ContactRecord => ({
  at: at(offsetMs),
  debtor,
  channelType,
});

const send = (id: string, over: Partial<ContactSend> = {}): ContactSend => ({
  id,
  debtor: 'D1',
  channelType: 'email',
  contactClass: 'reminder',
  dueAt: now,
  ...over,
});

const candidate = (over: Partial<ContactCandidate> = {}): ContactCandidate => ({
  ...send('cand'),
  overBudget: 'defer',
  ...over,
});

describe('decideContact: rolling windows', () => {
  it('allows when the window holds fewer than max messages', () => {
    expect(decideContact(perHousehold(2, 2 * D), [sent(-D)], [], candidate(), now)).toEqual({
      decision: 'allow',
    });
  });

  it('defers to the moment the oldest counted message leaves the window, with the rule in the reason', () => {
    const d = decideContact(perHousehold(1, 2 * D), [sent(-D)], [], candidate(), now);
    expect(d).toEqual({
      decision: 'defer',
      until: at(D),
      reason: {
        code: 'household-limit',
        text: 'the household had a message 1 day ago (at most 1 message per 2 days)',
      },
    });
  });

  it('counts the max-th most recent message, not the oldest', () => {
    // 3 per 7 days; messages 10, 6, 4 and 1 day ago: the window holds three, so the candidate waits
    // until the oldest of the latest three (6 days ago) leaves: +1 day.
    const history = [sent(-6 * D), sent(-4 * D), sent(-1 * D), sent(-10 * D)];
    const d = decideContact(perHousehold(3, 7 * D), history, [], candidate(), now);
    expect(d).toMatchObject({ decision: 'defer', until: at(D) });
  });

  it('a message exactly one window ago no longer counts (the window is half open)', () => {
    expect(decideContact(perHousehold(1, 2 * D), [sent(-2 * D)], [], candidate(), now)).toEqual({
      decision: 'allow',
    });
  });

  it('counts every debtor of the household for a household limit, only the debtor for a debtor limit', () => {
    const other = [sent(-H, 'D2')];
    expect(decideContact(perHousehold(1, D), other, [], candidate(), now)).toMatchObject({
      decision: 'defer',
      until: at(D - H),
    });
    const debtorOnly: ContactPolicy = { debtor: { limits: [{ max: 1, windowMs: D }] }, priorities: [] };
    expect(decideContact(debtorOnly, other, [], candidate(), now)).toEqual({ decision: 'allow' });
    expect(decideContact(debtorOnly, [sent(-H)], [], candidate(), now)).toMatchObject({
      decision: 'defer',
      until: at(D - H),
      reason: { code: 'debtor-limit' },
    });
  });

  it('a limit of 0 skips whatever the flow says: there is no moment to defer to', () => {
    const d = decideContact(perHousehold(0, D), [], [], candidate(), now);
    expect(d).toMatchObject({ decision: 'skip', reason: { code: 'household-limit' } });
  });
});

describe('decideContact: per channel type', () => {
  const policy: ContactPolicy = {
    debtor: {
      limits: [
        { max: 3, windowMs: 7 * D },
        { max: 1, windowMs: 7 * D, channelType: 'sms' },
      ],
    },
    priorities: [],
  };

  it('a channel limit holds back that channel only', () => {
    const history = [sent(-2 * D, 'D1', 'sms')];
    expect(decideContact(policy, history, [], candidate({ channelType: 'sms' }), now)).toEqual({
      decision: 'defer',
      until: at(5 * D),
      reason: {
        code: 'debtor-channel-limit',
        text: 'the debtor had a sms message 2 days ago (at most 1 sms message per 7 days)',
      },
    });
    expect(decideContact(policy, history, [], candidate({ channelType: 'email' }), now)).toEqual({
      decision: 'allow',
    });
  });

  it('the total counts every channel', () => {
    const history = [sent(-6 * D, 'D1', 'sms'), sent(-3 * D, 'D1', 'letter'), sent(-H, 'D1', 'email')];
    expect(decideContact(policy, history, [], candidate(), now)).toMatchObject({
      decision: 'defer',
      until: at(D),
      reason: { code: 'debtor-limit' },
    });
  });

  it('the later of two binding limits wins', () => {
    const history = [sent(-6 * D, 'D1', 'email'), sent(-5 * D, 'D1', 'email'), sent(-H, 'D1', 'sms')];
    // total: 3 in 7 days, frees at +1d; sms: 1 in 7 days, frees at +7d-1h.
    expect(decideContact(policy, history, [], candidate({ channelType: 'sms' }), now)).toMatchObject({
      decision: 'defer',
      until: at(7 * D - H),
      reason: { code: 'debtor-channel-limit' },
    });
  });
});

describe('decideContact: minimum gap', () => {
  const policy: ContactPolicy = { household: { limits: [], minGapMs: 2 * D }, priorities: [] };

  it('waits for the gap after the latest message', () => {
    expect(decideContact(policy, [sent(-5 * D), sent(-12 * H)], [], candidate(), now)).toEqual({
      decision: 'defer',
      until: at(36 * H),
      reason: {
        code: 'household-min-gap',
        text: 'the household had a message 12 hours ago (at least 2 days between messages)',
      },
    });
  });

  it('allows once the gap has passed', () => {
    expect(decideContact(policy, [sent(-2 * D)], [], candidate(), now)).toEqual({ decision: 'allow' });
  });
});

describe('decideContact: priorities and contenders', () => {
  const policy = perHousehold(1, 2 * D);

  it('a higher class due now goes first; the candidate follows one window later', () => {
    const contenders = [send('legal-1', { contactClass: 'legal', debtor: 'D2' })];
    expect(decideContact(policy, [], contenders, candidate(), now)).toEqual({
      decision: 'defer',
      until: at(2 * D),
      reason: {
        code: 'priority',
        text: 'a legal message of the household goes first (at most 1 message per 2 days)',
      },
    });
  });

  it('the highest one is allowed even with lower ones due', () => {
    const contenders = [send('r', { contactClass: 'reminder' }), send('c', { contactClass: 'campaign' })];
    expect(decideContact(policy, [], contenders, candidate({ contactClass: 'arrears' }), now)).toEqual({
      decision: 'allow',
    });
  });

  it('three due at once go out one window apart in priority order', () => {
    const all = [
      send('c-campaign', { contactClass: 'campaign' }),
      send('b-reminder', { contactClass: 'reminder' }),
      send('a-legal', { contactClass: 'legal' }),
    ];
    const decide = (s: ContactSend) =>
      decideContact(
        policy,
        [],
        all.filter((o) => o !== s),
        { ...s, overBudget: 'defer' },
        now,
      );
    expect(decide(all[2]!)).toEqual({ decision: 'allow' });
    expect(decide(all[1]!)).toMatchObject({ decision: 'defer', until: at(2 * D) });
    expect(decide(all[0]!)).toMatchObject({
      decision: 'defer',
      until: at(4 * D),
      reason: { code: 'priority' },
    });
  });

  it("a contender deferred to later still goes first when it is due by the candidate's moment", () => {
    // legal went out 1 day ago; arrears was deferred to +1d; the reminder due now would also fit at +1d.
    const contenders = [send('arrears', { contactClass: 'arrears', dueAt: at(D) })];
    const d = decideContact(policy, [sent(-D)], contenders, candidate(), now);
    expect(d).toMatchObject({ decision: 'defer', until: at(3 * D), reason: { code: 'priority' } });
  });

  it("a higher contender due after the candidate's moment does not hold it back", () => {
    const contenders = [send('legal', { contactClass: 'legal', dueAt: at(3 * D) })];
    expect(decideContact(policy, [], contenders, candidate(), now)).toEqual({ decision: 'allow' });
  });

  it('ties of class go by due time, then by id, the same whichever of them decides', () => {
    const a = send('a', { dueAt: at(-H) });
    const b = send('b', { dueAt: at(-H) });
    const c = send('c', { dueAt: at(-2 * H) });
    const decide = (s: ContactSend, others: ContactSend[]) =>
      decideContact(policy, [], others, { ...s, overBudget: 'defer' }, now).decision;
    expect(decide(c, [a, b])).toBe('allow');
    expect(decide(a, [b, c])).toBe('defer');
    expect(decide(a, [b])).toBe('allow');
    expect(decide(b, [a])).toBe('defer');
  });

  it('a contender that shares no limit with the candidate does not hold it back', () => {
    const debtorOnly: ContactPolicy = { debtor: { limits: [{ max: 1, windowMs: D }] }, priorities: [] };
    const contenders = [send('legal', { contactClass: 'legal', debtor: 'D2' })];
    expect(decideContact(debtorOnly, [], contenders, candidate(), now)).toEqual({ decision: 'allow' });
    const smsOnly: ContactPolicy = {
      household: { limits: [{ max: 1, windowMs: D, channelType: 'sms' }] },
      priorities: [],
    };
    const emailLegal = [send('legal', { contactClass: 'legal', channelType: 'email' })];
    expect(decideContact(smsOnly, [], emailLegal, candidate({ channelType: 'sms' }), now)).toEqual({
      decision: 'allow',
    });
  });

  it("the corporation's priorities reorder the classes", () => {
    const reordered: ContactPolicy = { ...policy, priorities: ['campaign', 'legal'] };
    const contenders = [send('legal', { contactClass: 'legal' })];
    expect(decideContact(reordered, [], contenders, candidate({ contactClass: 'campaign' }), now)).toEqual({
      decision: 'allow',
    });
    // Classes the policy does not list come after the listed ones.
    expect(
      decideContact(
        reordered,
        [],
        [send('r', { contactClass: 'reminder' })],
        candidate({ contactClass: 'legal' }),
        now,
      ),
    ).toEqual({
      decision: 'allow',
    });
  });
});

describe('decideContact: the moment of a deferral', () => {
  it('is rounded up to the whole minute', () => {
    const history = [{ at: new Date(now.getTime() - D + 1_500), debtor: 'D1', channelType: 'email' }];
    expect(decideContact(perHousehold(1, D), history, [], candidate(), now)).toMatchObject({
      decision: 'defer',
      until: at(60_000),
    });
  });
});

describe('decideContact: over budget', () => {
  it('skip instead of defer when the flow says so, with the same reason', () => {
    const d = decideContact(perHousehold(1, 2 * D), [sent(-D)], [], candidate({ overBudget: 'skip' }), now);
    expect(d).toEqual({
      decision: 'skip',
      reason: {
        code: 'household-limit',
        text: 'the household had a message 1 day ago (at most 1 message per 2 days)',
      },
    });
  });

  it('skip-flows are allowed like any other within the budget', () => {
    expect(decideContact(perHousehold(1, 2 * D), [], [], candidate({ overBudget: 'skip' }), now)).toEqual({
      decision: 'allow',
    });
  });
});

describe('contactPolicyOf', () => {
  it('reads durations as rolling time and keeps the listed priorities', () => {
    const p = contactPolicyOf({
      household: { max: 1, window: '2d' },
      debtor: { minGap: '12h', channels: [{ type: 'sms', max: 2, window: '1d12h' }] },
      priorities: ['arrears', 'legal'],
    });
    expect(p).toEqual({
      household: { limits: [{ max: 1, windowMs: 2 * D }] },
      debtor: { limits: [{ max: 2, windowMs: 36 * H, channelType: 'sms' }], minGapMs: 12 * H },
      priorities: ['arrears', 'legal'],
    });
    expect(lookbackMs(p!)).toBe(2 * D);
  });

  it('no policy when nothing is limited; the default order when no priorities are given', () => {
    expect(contactPolicyOf(undefined)).toBeUndefined();
    expect(contactPolicyOf({ priorities: ['legal'] })).toBeUndefined();
    expect(contactPolicyOf({ debtor: { max: 2, window: '7d' } })?.priorities).toEqual([
      'legal',
      'arrears',
      'reminder',
      'campaign',
    ]);
  });

  it('refuses business days in a rolling window', () => {
    expect(() => rollingMs('3bd')).toThrow(/business days/);
    expect(rollingMs('90m')).toBe(90 * 60_000);
  });
});
