// What every command writes to and how it ends: output lines, the working directory for relative paths,
// and the exit codes of docs/cli.md (0 ok, 1 invalid or failed, 2 usage or I/O error).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  createError,
  formatLocation,
  isOutputstraatError,
  type OutputstraatError,
} from '../../core/errors/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Directory that relative paths on the command line are read from; file names are shown relative to it. */
  cwd: string;
  /** When stderr is a terminal: raw writes for a progress bar redrawn in place. */
  tty?: { write(text: string): void };
}

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    ...(process.stderr.isTTY ? { tty: { write: (text: string) => process.stderr.write(text) } } : {}),
  };
}

/** Runs a command's body: its exit code is kept, its error printed and mapped to an exit code. */
export type Runner = (fn: () => number | Promise<number>) => Promise<void>;

/** The exit code a command sets; the last failure wins over success, usage errors over failures. */
export class ExitStatus {
  code = EXIT_OK;
  set(code: number): void {
    this.code = Math.max(this.code, code);
  }
}

export function usageError(problem: string, hint = 'see outputstraat <command> --help') {
  return createError('OST_ERR_CLI_USAGE', [problem, hint]);
}

/** Paths from the command line, resolved against io.cwd; a missing path is a usage error (exit 2). */
export function existingPaths(io: CliIo, paths: readonly string[]): string[] {
  return paths.map((p) => {
    const abs = resolve(io.cwd, p);
    if (!existsSync(abs)) throw createError('OST_ERR_FILE_READ', [p, 'no such file or directory']);
    return abs;
  });
}

/** `error CODE file:line resource field: message`, the way `validate` prints errors. */
export function errorLine(e: OutputstraatError): string {
  const where = formatLocation(e.location);
  return `error ${e.code} ${where && !e.message.startsWith(where) ? `${where}: ` : ''}${e.message}`;
}

const USAGE_OR_IO = new Set(['OST_ERR_CLI_USAGE', 'OST_ERR_FILE_READ', 'OST_ERR_CLI_REQUEST']);

/** Prints an error the way `validate` does and returns its exit code. */
export function reportError(io: CliIo, err: unknown): number {
  if (isOutputstraatError(err)) {
    io.err(errorLine(err));
    return USAGE_OR_IO.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (err instanceof Error && typeof code === 'string' && /^(OST_ERR_|HTTP_)/.test(code)) {
    // Errors of the pure core with a registry code (a template that does not render, CEL …), and the
    // runtime's error answers (street-api.ts).
    io.err(`error ${code} ${err.message}`);
    return EXIT_FAILED;
  }
  io.err(`error ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return EXIT_FAILED;
}

/** Runs `fn`, turning the TypeError or RangeError of a bad argument into a usage error. */
export function parseArgument<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw usageError(err.message);
    throw err;
  }
}

export type OutputFormat = 'text' | 'json' | 'yaml';

/** One output format flag for all commands. */
export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text' || value === 'json' || value === 'yaml') return value ?? 'text';
  throw usageError(`--output must be text, json or yaml, not "${value}"`);
}

/** A command's machine-readable result, as JSON or YAML (text output is each command's own). */
export function emit(io: CliIo, format: Exclude<OutputFormat, 'text'>, value: unknown): void {
  io.out(format === 'json' ? JSON.stringify(value, null, 2) : stringify(value).replace(/\n$/, ''));
}
