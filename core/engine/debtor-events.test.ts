// Debtor statuses mid-flow (docs/adr/0007): deceased stops and alerts; a freeze holds the case and its end
// timer resumes it; a dispute holds it too, and the case resumes only when the last hold is lifted.
import { describe, expect, it } from 'vitest';
import { Driver, makeWorld, stornoFlow } from './test-kit.js';

const TUESDAY = '2026-03-03T10:00:00.000Z';

describe('debtor statuses as engine events', () => {
  it('deceased stops the case, closes the link and alerts the consultants', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    const effects = d.event('2026-03-04T10:00:00.000Z', { type: 'deceased' });
    expect(effects.map((e) => e.type)).toEqual(['cancelScheduled', 'closeLink', 'end', 'alert']);
    expect(effects.at(-1)).toEqual({
      type: 'alert',
      stepId: 'storno-email',
      aboutEnd: true,
      action: 'review',
      template: 'consultant-alert',
      note: 'debtor deceased',
    });
    expect(d.state).toMatchObject({ status: 'stopped', endReason: 'debtor deceased' });
    expect(d.timeline.map((t) => t.text)).toContain('The debtor was reported deceased');
    // Nothing more happens, whatever comes after.
    expect(d.runUntil('2026-04-01T00:00:00.000Z')).toEqual([]);
    expect(d.event('2026-03-05T10:00:00.000Z', { type: 'deceased' })).toEqual([]);
  });

  it('a flow with onDeceased: estateLetter also asks for one letter to the estate, after the stop', () => {
    const onDeceased = { action: 'estateLetter' as const, channel: 'letter', template: 'estate-letter' };
    const d = new Driver(stornoFlow({ onDeceased }));
    d.start(TUESDAY);
    const effects = d.event('2026-03-04T10:00:00.000Z', { type: 'deceased' });
    expect(effects.map((e) => e.type)).toEqual(['cancelScheduled', 'closeLink', 'end', 'alert', 'send']);
    expect(effects.at(-1)).toEqual({
      type: 'send',
      stepId: 'onDeceased',
      messageId: 'onDeceased.letter.2',
      channel: 'letter',
      channelType: 'letter',
      template: 'estate-letter',
      alsoVia: [],
      registered: false,
      estate: true,
      reason: 'letter to the estate',
    });
    expect(d.state.status).toBe('stopped');
    expect(d.runUntil('2026-04-01T00:00:00.000Z')).toEqual([]);
    expect(d.event('2026-03-05T10:00:00.000Z', { type: 'deceased' })).toEqual([]);
  });

  it('an estate letter for a debtor without a postal address is not asked for, and says why', () => {
    const onDeceased = { action: 'estateLetter' as const, channel: 'letter', template: 'estate-letter' };
    const d = new Driver(stornoFlow({ onDeceased }), makeWorld({ reachable: ['email', 'sms'] }));
    d.start(TUESDAY);
    const effects = d.event('2026-03-04T10:00:00.000Z', { type: 'deceased' });
    expect(effects.map((e) => e.type)).toEqual(['cancelScheduled', 'closeLink', 'end', 'alert']);
    expect(d.timeline.at(-1)?.text).toBe('No letter to the estate: the debtor has no postal address');
  });

  it('a freeze with an end holds every step and its timer resumes the case at the end', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    expect(d.state.pendingStepId).toBe('sms-reminder');
    const until = '2026-03-20T00:00:00.000Z';
    const frozen = d.event('2026-03-04T10:00:00.000Z', {
      type: 'frozen',
      kind: 'moratorium',
      from: '2026-03-04',
      until,
    });
    expect(frozen).toEqual([
      { type: 'hold', reason: 'paused: a moratorium' },
      { type: 'watch', messageId: 'debtor:frozen-until', reaction: -1, at: until },
    ]);
    expect(d.state).toMatchObject({ status: 'paused', holds: ['freeze'], frozenUntil: until });
    // An ERP resume does not lift the debtor's freeze.
    expect(d.event('2026-03-05T10:00:00.000Z', { type: 'resumed' })).toEqual([]);
    expect(d.timeline.at(-1)?.text).toBe(
      "Not resumed (resumed by the ERP): the debtor's freeze still holds the case",
    );
    // The SMS step was due on 2026-03-10: nothing is sent before the freeze ends.
    d.runUntil('2026-03-19T23:59:59.000Z');
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email']);
    d.runUntil(until);
    expect(d.state.status).toBe('active');
    expect(d.state.holds).toBeUndefined();
    expect(d.timeline.map((t) => t.text)).toContain('Debt assistance period over');
    d.runUntil('2026-03-21T12:00:00.000Z');
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email', 'sms-reminder']);
  });

  it('a flow with onFreezeEnd: alert stays paused at the end of the freeze and alerts a consultant', () => {
    const d = new Driver(stornoFlow({ onFreezeEnd: 'alert' }));
    d.start(TUESDAY);
    const until = '2026-03-20T00:00:00.000Z';
    d.event('2026-03-04T10:00:00.000Z', { type: 'frozen', kind: 'wsnp', until });
    d.runUntil('2026-03-19T23:59:59.000Z');
    const ended = d.runUntil(until);
    expect(ended).toEqual([
      {
        type: 'alert',
        stepId: 'storno-email',
        action: 'review',
        template: 'consultant-alert',
        note: 'freeze ended',
        aboutEnd: true,
      },
    ]);
    expect(d.state.status).toBe('paused');
    expect(d.state.holds).toBeUndefined();
    expect(d.state.frozenUntil).toBeUndefined();
    expect(d.timeline.map((t) => t.text)).toContain(
      'Debt assistance period over; the flow leaves the decision to resume to a consultant',
    );
    // Nothing is sent on its own; the SMS step goes once someone resumes the dossier.
    d.runUntil('2026-04-01T00:00:00.000Z');
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email']);
    expect(d.event('2026-04-01T10:00:00.000Z', { type: 'resumed' })[0]).toMatchObject({ type: 'release' });
    expect(d.state.status).toBe('active');
    d.runUntil('2026-04-02T12:00:00.000Z');
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email', 'sms-reminder']);
  });

  it('an end timer of a freeze that was extended meanwhile changes nothing', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'frozen', kind: 'wsnp', until: '2026-03-10T00:00:00.000Z' });
    d.event('2026-03-05T10:00:00.000Z', { type: 'frozen', kind: 'wsnp', until: '2026-06-01T00:00:00.000Z' });
    expect(
      d.apply('2026-03-10T00:00:00.000Z', { type: 'watch', messageId: 'debtor:frozen-until', reaction: -1 }),
    ).toEqual([]);
    expect(d.state).toMatchObject({ status: 'paused', frozenUntil: '2026-06-01T00:00:00.000Z' });
  });

  it('a case held by a freeze and a dispute resumes only when both are lifted', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-04T10:00:00.000Z', { type: 'frozen', kind: 'debt-assistance' });
    d.event('2026-03-04T11:00:00.000Z', { type: 'disputed' });
    expect(d.state.holds).toEqual(['freeze', 'dispute']);
    expect(d.event('2026-03-04T12:00:00.000Z', { type: 'unfrozen' })).toEqual([]);
    expect(d.state.status).toBe('paused');
    expect(d.timeline.at(-1)?.text).toBe('Still held: dispute');
    const resumed = d.event('2026-03-04T13:00:00.000Z', { type: 'undisputed' });
    expect(resumed[0]).toMatchObject({ type: 'release' });
    expect(d.state.status).toBe('active');
  });
});
