import { describe, expect, it } from 'vitest';
import { plainCopy } from './plain-copy.js';

describe('plainCopy', () => {
  it('copies nested plain data deeply, like structuredClone', () => {
    const state = {
      status: 'active',
      cursor: 2,
      watches: [{ step: 'a', until: '2026-01-01' }],
      extra: undefined,
    };
    const copy = plainCopy(state);
    expect(copy).toStrictEqual(structuredClone(state));
    copy.watches[0]!.step = 'b';
    copy.watches.push({ step: 'c', until: 'x' });
    expect(state.watches).toEqual([{ step: 'a', until: '2026-01-01' }]);
  });

  it('keeps a Date inside the data a real, separate Date', () => {
    const at = new Date('2026-03-01T09:00:00Z');
    const copy = plainCopy({ at });
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.at).not.toBe(at);
    expect(copy.at.getTime()).toBe(at.getTime());
  });
});
