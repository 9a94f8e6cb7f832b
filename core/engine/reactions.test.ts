import { describe, expect, it } from 'vitest';
import type { FlowReaction } from '../resources/types.generated.js';
import { advance } from './engine.js';
import { contextAt, Driver, flow, makeWorld, OFFICE_HOURS, reaction, stornoFlow } from './test-kit.js';

const TUESDAY = '2026-03-03T10:00:00.000Z';

describe('payments and ERP status changes', () => {
  it('a payment while a step is scheduled ends the case, cancels timers, closes the link and sends nothing later', () => {
    const d = new Driver(stornoFlow()); // declares no paid reaction: the stop is built in
    d.start(TUESDAY);
    const paid = d.event('2026-03-05T14:00:00.000Z', { type: 'paid', balance: 0 });

    expect(paid).toEqual([
      { type: 'cancelScheduled', reason: 'receivable paid' },
      { type: 'closeLink', reason: 'receivable paid' },
      { type: 'end', status: 'stopped', reason: 'receivable paid' },
    ]);
    expect(d.state).toMatchObject({ status: 'stopped', linkClosed: true });
    expect(d.state.pendingStepId).toBeUndefined();

    const late = d.due('2026-03-10T10:00:00.000Z', 'sms-reminder');
    expect(late).toEqual([]);
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email']);
  });

  it('treats a balance reported as zero as paid', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-05T14:00:00.000Z', { type: 'balanceChanged', balance: 0 });
    expect(d.state).toMatchObject({ status: 'stopped', endReason: 'receivable paid', linkClosed: true });
  });

  it('a cancelled receivable stops the case and closes the link', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    const effects = d.event('2026-03-04T09:30:00.000Z', { type: 'cancelled' });
    expect(effects.map((e) => e.type)).toEqual(['cancelScheduled', 'closeLink', 'end']);
    expect(d.state.endReason).toBe('receivable cancelled');
  });

  it('tells the consultants about a payment when the flow declares a paid alert', () => {
    const d = new Driver(stornoFlow({ reactions: [reaction('paid', 'alert', { action: 'review' })] }));
    d.start(TUESDAY);
    const effects = d.event('2026-03-05T14:00:00.000Z', { type: 'paid' });
    expect(effects).toContainEqual(
      expect.objectContaining({
        type: 'alert',
        action: 'review',
        template: 'consultant-alert',
        note: 'receivable paid',
      }),
    );
  });

  it('events for a stopped case are only recorded', () => {
    const d = new Driver(stornoFlow({ reactions: [reaction('bounced', 'fallback')] }));
    d.start(TUESDAY);
    const emailId = d.lastMessageId();
    d.event('2026-03-04T10:00:00.000Z', { type: 'paid' });

    expect(d.event('2026-03-04T10:05:00.000Z', { type: 'bounced', messageId: emailId })).toEqual([]);
    expect(d.event('2026-03-04T10:06:00.000Z', { type: 'resumed' })).toEqual([]);
    expect(d.event('2026-03-04T10:07:00.000Z', { type: 'paid' })).toEqual([]);
    expect(d.state.messages[0]?.bounced).toBe(true);
    expect(d.state.status).toBe('stopped');
  });

  it('an arrangement pauses the case; resuming keeps the original due time of the pending step', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    const paused = d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement' });
    expect(paused).toEqual([{ type: 'hold', reason: 'paused: payment arrangement' }]);
    expect(d.state).toMatchObject({ status: 'paused', pendingStepId: 'sms-reminder' });

    expect(d.due('2026-03-10T10:00:00.000Z', 'sms-reminder')).toEqual([]); // a timer that escaped the cancel

    const resumed = d.event('2026-03-06T10:00:00.000Z', { type: 'resumed' });
    expect(resumed).toEqual([
      { type: 'release', reason: 'resumed: resumed by the ERP', notBefore: '2026-03-06T10:00:00.000Z' },
      { type: 'schedule', stepId: 'sms-reminder', at: '2026-03-10T10:00:00.000Z' },
    ]);
    d.runUntil('2026-03-10T10:00:00.000Z');
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email', 'sms-reminder']);
  });

  it('resuming after the due time runs the pending step at the next window opening', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'paused' });
    const resumed = d.event('2026-03-21T12:00:00.000Z', { type: 'resumed' }); // a Saturday
    expect(resumed).toEqual([
      { type: 'release', reason: 'resumed: resumed by the ERP', notBefore: '2026-03-23T09:00:00.000Z' },
      {
        type: 'schedule',
        stepId: 'sms-reminder',
        at: '2026-03-23T09:00:00.000Z',
        deferredBecause: 'weekend',
      },
    ]);
    expect(d.state.status).toBe('active');
  });

  it('a declared stop on arrangement replaces the built-in pause', () => {
    const d = new Driver(stornoFlow({ reactions: [reaction('arrangement', 'stop')] }));
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'arrangement' });
    expect(d.state).toMatchObject({ status: 'stopped', endReason: 'payment arrangement', linkClosed: true });
  });
});

describe('message reactions', () => {
  const choiceFlow = (reactions: FlowReaction[] = []) =>
    flow(
      [
        { id: 'reminder', send: { templates: { email: 'reminder-email', sms: 'reminder-sms' } } },
        { id: 'wait', wait: { for: '7d' } },
        { id: 'end', stop: {} },
      ],
      { window: OFFICE_HOURS, reactions },
    );

  it('a bounced email falls back to SMS right away, with the SMS template of the same step', () => {
    const d = new Driver(choiceFlow([reaction('bounced', 'fallback', { onlyChannel: 'email' })]));
    d.start(TUESDAY);
    const effects = d.event('2026-03-03T10:04:00.000Z', { type: 'bounced', messageId: d.lastMessageId() });

    expect(effects).toEqual([
      {
        type: 'send',
        stepId: 'reminder',
        messageId: 'reminder.sms.2',
        channel: 'sms',
        channelType: 'sms',
        template: 'reminder-sms',
        alsoVia: [],
        registered: false,
        reason: 'fallback after bounce',
      },
    ]);
    expect(d.state.channelsTried).toEqual(['email', 'sms']);
    expect(d.timeline.map((t) => t.text)).toContain(
      "SMS 'reminder-sms' scheduled for sending via sms (fallback after bounce)",
    );

    expect(d.event('2026-03-03T10:05:00.000Z', { type: 'bounced', messageId: 'reminder.email.1' })).toEqual(
      [],
    );
  });

  it('a bounce on a channel the reaction does not cover changes nothing but the record', () => {
    const d = new Driver(
      choiceFlow([reaction('bounced', 'fallback', { onlyChannel: 'email' })]),
      makeWorld({ preferredChannel: 'sms' }),
    );
    d.start(TUESDAY);
    const effects = d.event('2026-03-03T10:04:00.000Z', { type: 'bounced', messageId: d.lastMessageId() });
    expect(effects).toEqual([]);
    expect(d.state.messages[0]).toMatchObject({ channel: 'sms', bounced: true });
  });

  it('holds a fallback back until the window opens when the bounce arrives at night', () => {
    const d = new Driver(choiceFlow([reaction('bounced', 'fallback')]));
    d.start('2026-03-03T16:55:00.000Z');
    const night = d.event('2026-03-03T23:10:00.000Z', { type: 'bounced', messageId: d.lastMessageId() });
    expect(night).toEqual([
      { type: 'watch', messageId: 'reminder.email.1', reaction: 0, at: '2026-03-04T09:00:00.000Z' },
    ]);
    d.runUntil('2026-03-04T09:00:00.000Z');
    expect(d.sends().map((s) => [s.channel, s.reason])).toEqual([
      ['email', 'step'],
      ['sms', 'fallback after bounce'],
    ]);
  });

  const nudge = reaction('notOpened', 'send', { within: '2d', channel: 'sms', template: 'nudge-sms' });

  it('an email not opened within 2 days gets an SMS too', () => {
    const d = new Driver(choiceFlow([nudge]));
    const started = d.start(TUESDAY);
    expect(started).toContainEqual({
      type: 'watch',
      messageId: 'reminder.email.1',
      reaction: 0,
      at: '2026-03-05T10:00:00.000Z',
    });

    const fired = d.runUntil('2026-03-05T10:00:00.000Z');
    expect(fired).toEqual([
      expect.objectContaining({
        type: 'send',
        stepId: 'reminder',
        channel: 'sms',
        template: 'nudge-sms',
        reason: 'not opened within 2d',
      }),
    ]);
    expect(d.timeline.map((t) => t.text)).toContain("Email 'reminder-email' was not opened within 2d");
  });

  it('a bounced email with a bounce fallback and a not-opened check gets one SMS, not two', () => {
    const d = new Driver(choiceFlow([reaction('bounced', 'fallback'), nudge]));
    d.start(TUESDAY);
    d.event('2026-03-03T11:00:00.000Z', { type: 'bounced', messageId: 'reminder.email.1' });
    d.runUntil('2026-03-31T00:00:00.000Z');
    expect(d.sends().map((s) => [s.channel, s.reason])).toEqual([
      ['email', 'step'],
      ['sms', 'fallback after bounce'],
    ]);
  });

  it('an email opened within 2 days gets no SMS', () => {
    const d = new Driver(choiceFlow([nudge]));
    d.start(TUESDAY);
    d.event('2026-03-04T08:00:00.000Z', { type: 'opened', messageId: 'reminder.email.1' });

    const check = advance(
      d.flow,
      d.state,
      { type: 'watch', messageId: 'reminder.email.1', reaction: 0 },
      contextAt('2026-03-05T10:00:00.000Z', d.world),
    );
    expect(check.effects).toEqual([]);
    expect(check.state).toBe(d.state);
    d.runUntil('2026-03-31T00:00:00.000Z');
    expect(d.sends().map((s) => s.channel)).toEqual(['email']);
  });

  it('a click counts as an open', () => {
    const d = new Driver(choiceFlow([nudge]));
    d.start(TUESDAY);
    d.event('2026-03-04T08:00:00.000Z', { type: 'clicked', messageId: 'reminder.email.1' });
    d.runUntil('2026-03-31T00:00:00.000Z');
    expect(d.sends().map((s) => s.channel)).toEqual(['email']);
    expect(d.state.messages[0]).toMatchObject({ opened: true, clicked: true });
  });

  it('a not-opened check that falls in the weekend is made on Monday at 09:00', () => {
    const d = new Driver(choiceFlow([nudge]));
    const started = d.start('2026-03-05T10:00:00.000Z'); // Thursday: two days later is Saturday
    expect(started).toContainEqual({
      type: 'watch',
      messageId: 'reminder.email.1',
      reaction: 0,
      at: '2026-03-09T09:00:00.000Z',
    });
    expect(d.runUntil('2026-03-09T08:59:00.000Z')).toEqual([]);
    const monday = d.runUntil('2026-03-09T09:00:00.000Z');
    expect(monday).toEqual([
      expect.objectContaining({ type: 'send', channel: 'sms', template: 'nudge-sms' }),
    ]);
  });

  it('an email opened over the weekend gets no SMS on Monday', () => {
    const d = new Driver(choiceFlow([nudge]));
    d.start('2026-03-05T10:00:00.000Z');
    d.event('2026-03-08T20:00:00.000Z', { type: 'opened', messageId: 'reminder.email.1' });
    d.runUntil('2026-03-09T09:00:00.000Z');
    expect(d.sends().map((s) => s.channel)).toEqual(['email']);
  });

  it('a not-opened check with fallback resends on the next channel of the order', () => {
    const d = new Driver(choiceFlow([reaction('notOpened', 'fallback', { within: '2d' })]));
    d.start(TUESDAY);
    d.runUntil('2026-03-05T10:00:00.000Z');
    expect(d.sends().map((s) => [s.channel, s.template, s.reason])).toEqual([
      ['email', 'reminder-email', 'step'],
      ['sms', 'reminder-sms', 'fallback after not opened within 2d'],
    ]);
  });

  it('a pending not-opened check keeps a finished flow open until it has run', () => {
    const d = new Driver(flow([{ id: 'only', send: { template: 'only-email' } }], { reactions: [nudge] }));
    d.start(TUESDAY);
    expect(d.state.status).toBe('active');
    d.runUntil('2026-03-06T00:00:00.000Z');
    expect(d.sends().map((s) => s.channel)).toEqual(['email', 'sms']);
    expect(d.state.status).toBe('completed');
  });

  it('a click can send the case to another step', () => {
    const d = new Driver(
      flow(
        [
          { id: 'reminder', send: { template: 'reminder-email' } },
          { id: 'wait', wait: { for: '7d' } },
          { id: 'final', send: { template: 'final-email' } },
          { id: 'thanks', send: { template: 'thanks-email' } },
        ],
        { reactions: [reaction('clicked', 'goto', { step: 'thanks' })] },
      ),
    );
    d.start(TUESDAY);
    const effects = d.event('2026-03-04T10:00:00.000Z', { type: 'clicked', messageId: d.lastMessageId() });
    expect(effects.map((e) => e.type)).toEqual(['cancelScheduled', 'send', 'end']);
    expect(d.sends().map((s) => s.stepId)).toEqual(['reminder', 'thanks']);
    expect(d.due('2026-03-10T10:00:00.000Z', 'final')).toEqual([]);
  });
});
