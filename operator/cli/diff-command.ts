// `outputstraat diff <a> <b> [-- paths...]`: what changes in the compiled bundles between two folders or
// two git revisions (read with git archive, never checked out), printed per corporation.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ConfigBundle } from '../../core/bundle/types.js';
import type { OutputstraatError } from '../../core/errors/index.js';
import { readResourceFiles } from '../sources/read-resource-files.js';
import {
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  emit,
  errorLine,
  outputFormat,
  type Runner,
  usageError,
} from './cli-io.js';
import { type CorporationDiff, diffStreets } from './diff/bundle-diff.js';
import { gitSnapshot } from './diff/git-snapshot.js';
import { compileRead } from './load-street.js';

/** Paths compared in a git revision when none are given after `--`. */
export const DEFAULT_DIFF_PATHS = ['flows', 'examples'];

interface Side {
  label: string;
  bundles: ConfigBundle[];
  errors: OutputstraatError[];
}

function compileSide(label: string, paths: string[], cwd: string): Side {
  const read = readResourceFiles(paths, cwd);
  // Base flows without any corporation are compared through the built-in test corporation.
  const hasCorporation = read.resources.some((r) => r.kind === 'Corporation');
  const bases = hasCorporation ? [] : [...new Set(read.resources.map((r) => r.metadata.namespace))];
  const street = compileRead(read, bases);
  return { label, bundles: street.compiled.bundles, errors: street.errors };
}

function loadSide(io: CliIo, spec: string, paths: string[]): Side {
  const dir = resolve(io.cwd, spec);
  if (existsSync(dir)) {
    const inside = paths.length > 0 ? paths.map((p) => join(dir, p)).filter((p) => existsSync(p)) : [dir];
    return compileSide(spec, inside, dir);
  }
  const snapshot = gitSnapshot(io.cwd, spec, paths.length > 0 ? paths : DEFAULT_DIFF_PATHS);
  try {
    return compileSide(spec, snapshot.paths, snapshot.cwd);
  } finally {
    snapshot.remove();
  }
}

export interface DiffReport {
  a: string;
  b: string;
  corporations: CorporationDiff[];
  errors: { a: string[]; b: string[] };
}

export function diffSides(io: CliIo, a: string, b: string, paths: string[]): DiffReport {
  const left = loadSide(io, a, paths);
  const right = loadSide(io, b, paths);
  return {
    a,
    b,
    corporations: diffStreets(left.bundles, right.bundles),
    errors: { a: left.errors.map(errorLine), b: right.errors.map(errorLine) },
  };
}

function corporationName(c: CorporationDiff): string {
  return c.id.startsWith('flowtest-')
    ? `${c.id.slice('flowtest-'.length)} (base flows)`
    : `${c.id} (${c.displayName})`;
}

export function printDiff(report: DiffReport, io: CliIo, paths: string[]): void {
  io.out(`Comparing ${report.a} with ${report.b}${paths.length > 0 ? ` (${paths.join(', ')})` : ''}`);
  for (const [side, errors] of [
    [report.a, report.errors.a],
    [report.b, report.errors.b],
  ] as const) {
    if (errors.length === 0) continue;
    io.err(`${side} does not compile cleanly (${errors.length} error(s)):`);
    for (const e of errors) io.err(`  ${e}`);
  }
  for (const c of report.corporations) {
    io.out('');
    const name = corporationName(c);
    if (c.change === 'added') io.out(`${name}: added (revision ${c.to})`);
    else if (c.change === 'removed') io.out(`${name}: removed (was revision ${c.from})`);
    else if (c.change === 'unchanged') io.out(`${name}: unchanged (revision ${c.from})`);
    else io.out(`${name}: revision ${c.from} → ${c.to}`);
    if (c.change === 'changed' && c.items.length === 0) io.out('  only where the resources are kept changed');
    for (const item of c.items) {
      const first = item.change === 'changed' ? '' : `: ${item.details[0] ?? ''}`;
      io.out(
        `  ${item.kind} ${item.name} ${item.change}${item.change === 'changed' ? '' : first}`.replace(
          /: $/,
          '',
        ),
      );
      if (item.change === 'changed') for (const d of item.details) io.out(`    ${d}`);
    }
  }
  const count = (change: CorporationDiff['change']) =>
    report.corporations.filter((c) => c.change === change).length;
  io.out('');
  io.out(
    `${count('changed')} corporation(s) changed, ${count('added')} added, ${count('removed')} removed, ${count('unchanged')} unchanged`,
  );
}

interface DiffOptions {
  output?: string;
  exitCode?: boolean;
}

export function diffCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('diff')
    .description('compare the compiled bundles of two folders or two git revisions, per corporation')
    .argument('<a>', 'folder or git revision (commit, branch, tag, HEAD~1)')
    .argument('<b>', 'folder or git revision')
    .argument(
      '[paths...]',
      `paths inside both, after -- (default for revisions: ${DEFAULT_DIFF_PATHS.join(' ')})`,
    )
    .option('--exit-code', 'exit with 1 when anything differs, like git diff --exit-code')
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .action((a: string, b: string, paths: string[], opts: DiffOptions) =>
      run(() => {
        const format = outputFormat(opts.output);
        if (a === b && !existsSync(resolve(io.cwd, a))) throw usageError('compare two different revisions');
        const report = diffSides(io, a, b, paths);
        if (format !== 'text') emit(io, format, report);
        else printDiff(report, io, paths);
        const broken = report.errors.a.length > 0 || report.errors.b.length > 0;
        const differs = report.corporations.some((c) => c.change !== 'unchanged');
        return broken || (opts.exitCode && differs) ? EXIT_FAILED : EXIT_OK;
      }),
    );
}
