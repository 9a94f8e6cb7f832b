import { describe, expect, it } from 'vitest';
import { wholeNumberProblem } from './options.js';

describe("the bench's whole-number options", () => {
  it('takes whole numbers at or above the minimum', () => {
    expect(wholeNumberProblem('receivables', '50000', 1)).toBeUndefined();
    expect(wholeNumberProblem('timers', '0', 0)).toBeUndefined();
  });

  it.each(['many', '5k', '', ' ', '1.5', '1e400', 'NaN', '-3', '0'])(
    'refuses %j, naming the option',
    (text) => {
      expect(wholeNumberProblem('receivables', text, 1)).toBe(
        `--receivables ${text}: give a whole number, at least 1`,
      );
    },
  );
});
