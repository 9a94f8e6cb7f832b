// `outputstraat test <path...>`: runs every FlowTest (*.test.yaml) under the paths against the resources
// under the same paths, one line per test, a readable diff for each failure, and `N passed, M failed`.
import type { Command } from 'commander';
import { isStreetDefaults } from '../compiler/index.js';
import { readResourceFiles } from '../sources/read-resource-files.js';
import {
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  emit,
  errorLine,
  existingPaths,
  outputFormat,
  type Runner,
} from './cli-io.js';
import { readFlowTests } from './flow-test/read-flow-tests.js';
import { basesNeeded, type FlowTestOutcome, runFlowTest } from './flow-test/run-flow-test.js';
import { compileRead } from './load-street.js';
import { formatTimeline } from './simulate-report.js';

export interface TestReport {
  ok: boolean;
  passed: number;
  failed: number;
  files: string[];
  tests: (FlowTestOutcome | { name: string; file: string; line: number; passed: false; errors: string[] })[];
}

export function runTests(io: CliIo, paths: string[], grep?: string): TestReport {
  const abs = existingPaths(io, paths);
  const found = readFlowTests(abs, io.cwd);
  if (grep !== undefined) {
    const wanted = (name: string) => name.toLowerCase().includes(grep.toLowerCase());
    found.tests = found.tests.filter((t) => wanted(t.name));
    found.invalid = found.invalid.filter((t) => wanted(t.name));
  }
  const read = readResourceFiles(abs, io.cwd);
  const corporations = new Set(
    read.resources
      .filter((r) => r.kind === 'Corporation' && !isStreetDefaults(r))
      .map((r) => r.metadata.namespace),
  );
  const street = compileRead(read, basesNeeded(found.tests, { corporations }));
  const outcomes = found.tests.map((t) => runFlowTest(street, t, corporations));
  const invalid = found.invalid.map((t) => ({
    name: t.name,
    file: t.file,
    line: t.line,
    passed: false as const,
    errors: t.errors.map(errorLine),
  }));
  const tests = [...outcomes, ...invalid].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const passed = tests.filter((t) => t.passed).length;
  return { ok: passed === tests.length, passed, failed: tests.length - passed, files: found.files, tests };
}

function printReport(report: TestReport, io: CliIo): void {
  for (const t of report.tests) {
    io.out(`${t.passed ? '✓' : '✗'} ${t.name}  ${t.file}:${t.line}`);
    if (t.passed) continue;
    if ('errors' in t) {
      for (const e of t.errors) io.out(`    ${e}`);
      continue;
    }
    for (const m of t.mismatches) for (const line of m.lines) io.out(`    ${line}`);
    if (t.result) {
      io.out(`    timeline (${t.result.timezone}):`);
      for (const line of formatTimeline(t.result, '      ')) io.out(line);
    }
    io.out('');
  }
  if (report.tests.length === 0) io.out('no FlowTests (*.test.yaml) found under the given paths');
  io.out(`${report.passed} passed, ${report.failed} failed`);
}

export function testCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('test')
    .description('run the FlowTests (*.test.yaml) under the paths against the resources under them')
    .argument('<paths...>', 'files or folders with FlowTests and YAML resources')
    .option('-g, --grep <text>', 'run only the tests whose name contains this text')
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .action((paths: string[], opts: { output?: string; grep?: string }) =>
      run(() => {
        const format = outputFormat(opts.output);
        const report = runTests(io, paths, opts.grep);
        if (format !== 'text') emit(io, format, report);
        else printReport(report, io);
        return report.ok ? EXIT_OK : EXIT_FAILED;
      }),
    );
}
