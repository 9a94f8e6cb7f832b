// Migration 037 makes (case_id, dedupe_key) the steps' unique key. That is the same rule as a unique
// dedupe_key only while every key the street writes starts with its own case's id: this checks each kind
// of step a turn can ask for.
import { describe, expect, it } from 'vitest';
import type { EngineResult } from '../../core/engine/index.js';
import { planEffects } from './apply-effects.js';

const caseRef = {
  id: '0193a5e0-0000-7000-8000-000000000001',
  corporation: 'woonstad',
  receivable_id: 'r',
  flow: 'f',
};
const now = new Date('2026-12-06T09:00:00Z');

describe('planEffects step keys', () => {
  it('starts every dedupe key with the case id, for timers, watches, sends and alerts', () => {
    const result = {
      state: {},
      timeline: [],
      effects: [
        { type: 'schedule', stepId: 'wait', at: '2026-12-20T09:00:00.000Z' },
        { type: 'watch', messageId: 'm-1', reaction: 0, at: '2026-12-08T09:00:00.000Z' },
        {
          type: 'send',
          stepId: 'mail',
          messageId: 'mail.email.1',
          channel: 'email',
          template: 't',
          alsoVia: [],
        },
        { type: 'alert', stepId: 'call', action: 'call', template: 'a' },
      ],
    } as unknown as EngineResult;
    const { steps } = planEffects(caseRef, result, now);
    expect(steps.map((s) => s.kind)).toEqual(['due', 'watch', 'send', 'alert']);
    for (const s of steps) {
      expect(s.case_id).toBe(caseRef.id);
      expect(s.dedupe_key.startsWith(`${caseRef.id}:`)).toBe(true);
    }
    expect(new Set(steps.map((s) => s.dedupe_key)).size).toBe(steps.length);
  });
});
