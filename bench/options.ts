// The bench scripts' numeric options: a typo (`--receivables 5k`) must stop the run with a message naming the
// option, not run a bench of NaN receivables that waits forever or prints figures of nothing.

/** What is wrong with `text` as the whole-number option `option` (at least `min`), or undefined. */
export function wholeNumberProblem(option: string, text: string, min: number): string | undefined {
  const value = Number(text);
  if (text.trim() !== '' && Number.isSafeInteger(value) && value >= min) return undefined;
  return `--${option} ${text}: give a whole number, at least ${min.toLocaleString('en-US')}`;
}

/** `text` as a whole number; otherwise the run stops (exit 2) saying which option to fix. */
export function wholeNumber(option: string, text: string, min = 0): number {
  const problem = wholeNumberProblem(option, text, min);
  if (problem === undefined) return Number(text);
  process.stderr.write(`bench: ${problem}\n`);
  process.exit(2);
}
