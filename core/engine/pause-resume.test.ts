// A collections clerk pauses a case whose first reminder has not gone out yet, and resumes it: the
// reminder must still go out, exactly once, and the timeline must not call it sent before it was.
import { describe, expect, it } from 'vitest';
import { Driver, stornoFlow } from './test-kit.js';

const SATURDAY = '2026-03-07T10:00:00.000Z';
const MONDAY_OPENING = '2026-03-09T09:00:00.000Z';
const TUESDAY = '2026-03-03T10:00:00.000Z';

const claimsASend = (text: string) => /\bsent\b/.test(text) && !text.startsWith('Not also sent');

describe('pausing and resuming a case whose first reminder has not gone out', () => {
  it('a first reminder deferred by the dispatch window goes out once when it is due after pause and resume', () => {
    const d = new Driver(stornoFlow());
    d.start(SATURDAY);
    expect(d.state).toMatchObject({ pendingStepId: 'storno-email', pendingAt: MONDAY_OPENING });

    expect(d.event('2026-03-07T11:00:00.000Z', { type: 'paused' })).toEqual([
      { type: 'hold', reason: 'paused: paused by the ERP' },
    ]);
    d.runUntil('2026-03-08T12:00:00.000Z'); // nothing is due while paused
    const resumed = d.event('2026-03-08T12:00:00.000Z', { type: 'resumed' }); // Sunday
    expect(resumed).toEqual([
      { type: 'release', reason: 'resumed: resumed by the ERP', notBefore: MONDAY_OPENING },
      { type: 'schedule', stepId: 'storno-email', at: MONDAY_OPENING },
    ]);
    expect(d.sends()).toEqual([]);
    expect(d.timeline.filter((t) => claimsASend(t.text))).toEqual([]);

    d.runUntil('2026-03-09T12:00:00.000Z');
    expect(d.sends().map((s) => [s.stepId, s.channel])).toEqual([['storno-email', 'email']]);
    const asked = d.timeline.filter((t) => t.stepId === 'storno-email' && t.text.startsWith('Email'));
    expect(asked).toEqual([
      {
        at: MONDAY_OPENING,
        stepId: 'storno-email',
        text: "Email 'storno-email' scheduled for sending via email",
      },
    ]);
    expect(d.timeline.filter((t) => claimsASend(t.text))).toEqual([]);
  });

  it('a pause holds a send that was asked for but has not gone out, instead of cancelling it, and a resume releases it', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY); // the email is asked for now; a spread slot may keep it back for a while
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email']);

    const paused = d.event('2026-03-03T10:00:30.000Z', { type: 'paused' });
    expect(paused).toEqual([{ type: 'hold', reason: 'paused: paused by the ERP' }]);
    expect(paused.some((e) => e.type === 'cancelScheduled')).toBe(false);

    const resumed = d.event('2026-03-03T11:00:00.000Z', { type: 'resumed' });
    expect(resumed[0]).toEqual({
      type: 'release',
      reason: 'resumed: resumed by the ERP',
      notBefore: '2026-03-03T11:00:00.000Z',
    });
    // Released, not asked again: the step stays one send.
    expect(d.sends().map((s) => s.stepId)).toEqual(['storno-email']);
    expect(d.timeline.filter((t) => claimsASend(t.text))).toEqual([]);
  });

  it("a pause asked for by the tenant's reply names the reply and its class, not the ERP", () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    const paused = d.event('2026-03-03T10:00:30.000Z', { type: 'paused', reply: 'already-paid' });
    expect(paused).toEqual([{ type: 'hold', reason: "paused: paused by the tenant's reply: already-paid" }]);
    const said = d.timeline.filter((t) => t.at === '2026-03-03T10:00:30.000Z').map((t) => t.text);
    expect(said).toEqual([
      "Paused by the tenant's reply (already-paid)",
      "Case paused (paused by the tenant's reply: already-paid); pending steps held until it is resumed",
    ]);
    expect(d.timeline.map((t) => t.text).join('\n')).not.toContain('by the ERP');
  });

  it('a case that ends while paused cancels what the pause held', () => {
    const d = new Driver(stornoFlow());
    d.start(TUESDAY);
    d.event('2026-03-03T10:00:30.000Z', { type: 'paused' });
    expect(d.event('2026-03-03T12:00:00.000Z', { type: 'cancelled' })).toContainEqual({
      type: 'cancelScheduled',
      reason: 'receivable cancelled',
    });
  });
});
