import { describe, expect, it } from 'vitest';
import { Driver, flow, makeWorld } from './test-kit.js';

const TUESDAY = '2026-03-03T10:00:00.000Z';

const choice = () =>
  flow([{ id: 'reminder', send: { templates: { email: 'r-email', sms: 'r-sms', letter: 'r-letter' } } }], {
    fallback: ['email', 'sms', 'letter'],
  });

describe('channel choice', () => {
  it("sends on the debtor's preferred channel first", () => {
    const d = new Driver(choice(), makeWorld({ preferredChannel: 'sms' }));
    d.start(TUESDAY);
    expect(d.sends().map((s) => [s.channel, s.template])).toEqual([['sms', 'r-sms']]);
  });

  it('matches a preferred channel type to the named channel of that type', () => {
    const d = new Driver(
      flow([{ id: 'reminder', send: { templates: { email: 'r-email', sms: 'r-sms' } } }], {
        fallback: ['smtp-main', 'twilio-sms'],
      }),
      makeWorld({
        preferredChannel: 'sms',
        channels: { 'smtp-main': 'email', 'twilio-sms': 'sms' },
        reachable: ['smtp-main', 'twilio-sms'],
      }),
    );
    d.start(TUESDAY);
    expect(d.sends().map((s) => s.channel)).toEqual(['twilio-sms']);
  });

  it('follows the fallback order when the flow ignores the debtor preference', () => {
    const d = new Driver(
      flow(choice().steps, { preferDebtorChoice: false }),
      makeWorld({ preferredChannel: 'letter' }),
    );
    d.start(TUESDAY);
    expect(d.sends().map((s) => s.channel)).toEqual(['email']);
  });

  it('a debtor with no email address gets the message on the next reachable channel', () => {
    const d = new Driver(choice(), makeWorld({ reachable: ['sms', 'letter'], preferredChannel: 'email' }));
    d.start(TUESDAY);
    expect(d.sends().map((s) => [s.channel, s.template])).toEqual([['sms', 'r-sms']]);
  });

  it('skips a step no channel can carry and says why, then goes on', () => {
    const d = new Driver(
      flow([
        { id: 'sms-only', send: { channel: 'sms', template: 'r-sms' } },
        { id: 'letter', send: { channel: 'letter', template: 'r-letter' } },
      ]),
      makeWorld({ reachable: ['email', 'letter'] }),
    );
    d.start(TUESDAY);
    expect(d.effects).toContainEqual({
      type: 'skip',
      stepId: 'sms-only',
      reason:
        'no channel left (debtor cannot be reached via sms; no email template for email; no letter template for letter)',
    });
    expect(d.sends().map((s) => s.stepId)).toEqual(['letter']);
  });

  it('does not pick a channel that bounced earlier in the case', () => {
    const d = new Driver(
      flow(
        [
          { id: 'first', send: { templates: { email: 'a-email', sms: 'a-sms' } } },
          { id: 'wait', wait: { for: '1d' } },
          { id: 'second', send: { templates: { email: 'b-email', sms: 'b-sms' } } },
        ],
        { fallback: ['email', 'sms'] },
      ),
    );
    d.start(TUESDAY);
    d.event('2026-03-03T10:03:00.000Z', { type: 'bounced', messageId: d.lastMessageId() });
    d.runUntil('2026-03-05T00:00:00.000Z');
    expect(d.sends().map((s) => s.template)).toEqual(['a-email', 'b-sms']);
  });

  it('sends alsoVia copies only where the debtor can be reached', () => {
    const d = new Driver(
      flow([{ id: 'formal', send: { channel: 'letter', template: 'f-letter', alsoVia: ['email', 'sms'] } }]),
      makeWorld({ reachable: ['letter', 'email'] }),
    );
    d.start(TUESDAY);
    expect(d.sends()[0]).toMatchObject({ channel: 'letter', alsoVia: ['email'] });
    expect(d.timeline.map((t) => t.text)).toContain(
      'Not also sent via sms: the debtor cannot be reached there',
    );
  });

  it('tells branches which channel types were tried', () => {
    const seen: unknown[] = [];
    const world = makeWorld({
      channels: { 'smtp-main': 'email', 'twilio-sms': 'sms' },
      reachable: ['smtp-main', 'twilio-sms'],
      expressions: {
        probe: (vars) => {
          seen.push(vars.case);
          return false;
        },
      },
    });
    const d = new Driver(
      flow(
        [
          { id: 'first', send: { templates: { email: 'a-email', sms: 'a-sms' } } },
          { id: 'probe', branch: { cases: [{ when: 'probe', goto: 'first' }] } },
        ],
        { fallback: ['smtp-main', 'twilio-sms'], reactions: [] },
      ),
      world,
    );
    d.start(TUESDAY);
    expect(seen).toEqual([
      {
        stepsSent: 1,
        opened: false,
        clicked: false,
        bounced: false,
        channelsTried: ['email'],
        costsAdded: 0,
      },
    ]);
  });
});
