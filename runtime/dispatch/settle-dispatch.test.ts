import { describe, expect, it } from 'vitest';
import { settlement } from './settle-dispatch.js';

describe('settlement of a dispatch message', () => {
  it.each([
    [['done'], 'ack'],
    [['done', 'given-up'], 'ack'],
    [['given-up'], 'term'],
    [['given-up', 'given-up'], 'term'],
    [['done', 'busy'], 'busy'],
    [['busy', 'retry', 'done'], 'retry'],
    [['retry', 'held'], 'held'],
    [['given-up', 'busy'], 'busy'],
    [[], 'ack'],
  ] as const)('%j → %s', (verdicts, expected) => {
    expect(settlement(verdicts)).toBe(expected);
  });
});
