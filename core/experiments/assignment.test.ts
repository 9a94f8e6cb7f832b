import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { armAt, assignmentPoint, fixedAllocation, HOLDOUT } from './assignment.js';

const variants = [
  { name: 'A', weight: 1 },
  { name: 'B', weight: 3 },
];

describe('deterministic assignment', () => {
  it('the same corporation, experiment and debtor always get the same point; any change moves it', () => {
    const p = assignmentPoint('woonstad-noord', 'storno-sms-first', 'D-88121');
    expect(assignmentPoint('woonstad-noord', 'storno-sms-first', 'D-88121')).toBe(p);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1);
    expect(assignmentPoint('woonstad-zuid', 'storno-sms-first', 'D-88121')).not.toBe(p);
    expect(assignmentPoint('woonstad-noord', 'other', 'D-88121')).not.toBe(p);
    // The separator keeps "a" + "bc" apart from "ab" + "c".
    expect(assignmentPoint('a', 'bc', 'x')).not.toBe(assignmentPoint('ab', 'c', 'x'));
  });

  it('the point is the first 13 hex digits of SHA-256 over 2^52 (a change would reshuffle running experiments)', () => {
    const hex = createHash('sha256')
      .update('woonstad-noord\u0000storno-sms-first\u0000D-88121')
      .digest('hex');
    expect(hex.slice(0, 13)).toBe('5ed48ed568053');
    expect(assignmentPoint('woonstad-noord', 'storno-sms-first', 'D-88121')).toBe(
      Number.parseInt(hex.slice(0, 13), 16) / 2 ** 52,
    );
  });

  it('100,000 debtors split by the weights and the holdout share', () => {
    const allocation = fixedAllocation(0.1, variants);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) {
      const arm = armAt(allocation, assignmentPoint('c', 'e', `D-${i}`))!;
      counts[arm] = (counts[arm] ?? 0) + 1;
    }
    // Expected 10,000 / 22,500 / 67,500; binomial s.d. below 150, bounds at about 4 s.d.
    expect(Math.abs(counts[HOLDOUT]! - 10_000)).toBeLessThan(600);
    expect(Math.abs(counts.A! - 22_500)).toBeLessThan(600);
    expect(Math.abs(counts.B! - 67_500)).toBeLessThan(600);
  });

  it('holdout membership does not depend on the variants or their weights', () => {
    const a = fixedAllocation(0.2, variants);
    const b = { holdout: 0.2, variants: [{ name: 'B', share: 1 }] };
    for (let i = 0; i < 5000; i++) {
      const p = assignmentPoint('c', 'e', `D-${i}`);
      expect(armAt(a, p) === HOLDOUT).toBe(armAt(b, p) === HOLDOUT);
    }
  });

  it('a stopped variant gets no new cases; with every variant stopped there is no arm but the holdout', () => {
    const allocation = fixedAllocation(0.1, variants, new Set(['B']));
    expect(allocation.variants).toEqual([{ name: 'A', share: 1 }]);
    expect(armAt(allocation, 0.5)).toBe('A');
    const none = fixedAllocation(0.1, variants, new Set(['A', 'B']));
    expect(armAt(none, 0.05)).toBe(HOLDOUT);
    expect(armAt(none, 0.5)).toBeUndefined();
    expect(armAt(fixedAllocation(0, variants), 0)).toBe('A');
  });
});
