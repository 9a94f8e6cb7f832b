import { describe, expect, it } from 'vitest';
import { WriteGroup } from './write-group.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteGroup', () => {
  it('writes a lone item at once, and what arrives meanwhile as the next group', async () => {
    const groups: number[][] = [];
    let release: () => void = () => {};
    const group = new WriteGroup<number>(async (items) => {
      groups.push(items);
      if (groups.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = group.add(1);
    await tick();
    const rest = [group.add(2), group.add(3), group.add(4)];
    await tick();
    expect(groups).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps groups to the maximum size', async () => {
    const sizes: number[] = [];
    const group = new WriteGroup<number>(async (items) => {
      sizes.push(items.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => group.add(i)));
    expect(sizes).toEqual([1, 2, 2]);
  });

  it('rejects every caller of a failed group and goes on with the next', async () => {
    let calls = 0;
    const group = new WriteGroup<string>(async (items) => {
      calls++;
      if (items.includes('bad')) throw new Error('refused');
    });
    const results = await Promise.allSettled([group.add('bad'), group.add('x'), group.add('y')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(calls).toBe(2);
    await expect(group.add('z')).resolves.toBeUndefined();
  });
});
