// What the ingress spends on one NDJSON line before intake sees it: JSON.parse and validateReceivable of the
// bench's receivable, timed in this process (no server). `npx tsx bench/validate-lines.ts [lines] [rounds]`.
import { validateReceivable } from '../core/receivable/index.js';
import { fixtureReceivable } from '../tests/support/durability-street.js';
import { wholeNumber } from './options.js';

const count = wholeNumber('lines', process.argv[2] ?? '100000', 1);
const rounds = wholeNumber('rounds', process.argv[3] ?? '3', 1);
const lines = Array.from({ length: count }, (_, i) => JSON.stringify(fixtureReceivable(i)));
for (let round = 1; round <= rounds; round++) {
  const started = performance.now();
  for (const line of lines) {
    const checked = validateReceivable(JSON.parse(line));
    if (!checked.ok) throw new Error(`line refused: ${JSON.stringify(checked.errors)}`);
  }
  const perLine = ((performance.now() - started) * 1_000) / count;
  console.log(
    `round ${round}: ${perLine.toFixed(2)} µs a line (parse + validate, ${count.toLocaleString('en-US')} lines)`,
  );
}
