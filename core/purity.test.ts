// ADR 0001: core/ is pure. The import rules live in .dependency-cruiser.cjs (no node: I/O module, nothing
// from platform/, operator/ or runtime/); this test guards what an import rule cannot see: the
// environment, the process and the wall clock, which reach core/ only as arguments.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = import.meta.dirname;

function productionFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return productionFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'test-kit.ts' ? [path] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bprocess\.(env|cwd|argv|exit|stdout|stderr|hrtime)\b/, 'reads the process'],
  [/\bDate\.now\(\)|new Date\(\)/, 'reads the wall clock (take `now` as an argument)'],
  [/from '(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|dns|tls|os)'/, 'does I/O'],
  [/\bMath\.random\(\)/, 'draws randomness (take it as an argument)'],
];

describe('core/ is pure', () => {
  it('no production file reads the environment, the clock or does I/O', () => {
    const offences: string[] = [];
    for (const file of productionFiles(root)) {
      const text = readFileSync(file, 'utf8');
      for (const [pattern, what] of FORBIDDEN) {
        if (pattern.test(text)) offences.push(`${file.slice(root.length + 1)} ${what}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
