import type { Command } from 'commander';
import type { OutputstraatError } from '../../core/errors/index.js';
import { compileStreet } from '../compiler/index.js';
import { readResourceFiles } from '../sources/read-resource-files.js';
import {
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  emit,
  existingPaths,
  outputFormat,
  type Runner,
} from './cli-io.js';

export interface ValidateReport {
  ok: boolean;
  files: number;
  resources: number;
  corporations: { id: string; revision: string; flows: number }[];
  errors: {
    code: string;
    message: string;
    file?: string;
    line?: number;
    resource?: string;
    field?: string;
  }[];
}

export function validatePaths(paths: string[], cwd = process.cwd()): ValidateReport {
  const read = readResourceFiles(paths, cwd);
  const result = compileStreet(read.resources);
  const errors: OutputstraatError[] = [...read.errors, ...result.errors];
  return {
    ok: errors.length === 0,
    files: read.files.length,
    resources: read.resources.length,
    corporations: result.bundles.map((b) => ({
      id: b.corporation.id,
      revision: b.revision,
      flows: Object.keys(b.flows).length,
    })),
    errors: errors.map((e) => ({ code: e.code, message: e.message, ...e.location })),
  };
}

export function printValidateReport(report: ValidateReport, out: (line: string) => void): void {
  for (const e of report.errors) out(`error ${e.code} ${e.message}`);
  for (const c of report.corporations)
    out(`ok    corporation ${c.id}: ${c.flows} flows, revision ${c.revision}`);
  out(
    report.ok
      ? `valid: ${report.resources} resources in ${report.files} files`
      : `invalid: ${report.errors.length} error(s) in ${report.resources} resources (${report.files} files)`,
  );
}

export function validateCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('validate')
    .description('check resources: schema, references, CEL, template variables, unreachable steps')
    .argument('<paths...>', 'files or folders with YAML resources')
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .action((paths: string[], opts: { output: string }) =>
      run(() => {
        const format = outputFormat(opts.output);
        const report = validatePaths(existingPaths(io, paths), io.cwd);
        if (format !== 'text') emit(io, format, report);
        else printValidateReport(report, io.out);
        return report.ok ? EXIT_OK : EXIT_FAILED;
      }),
    );
}
