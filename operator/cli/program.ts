// The `outputstraat` command line: one commander program, one file per command. runCli is the entry for
// bin/outputstraat.js and for tests, which pass their own output and working directory.
import { Command, CommanderError } from 'commander';
import { configCommand } from './cli-config.js';
import {
  type CliIo,
  EXIT_OK,
  EXIT_USAGE,
  ExitStatus,
  processIo,
  type Runner,
  reportError,
} from './cli-io.js';
import { completionCommand } from './completion-command.js';
import { deadLettersCommand } from './dead-letters-command.js';
import { debtorsCommand } from './debtors-command.js';
import { diffCommand } from './diff-command.js';
import { dossiersCommand } from './dossiers-command.js';
import { eventsCommand } from './events-command.js';
import { experimentsCommand } from './experiments-command.js';
import { receivablesCommand } from './receivables-push-command.js';
import { renderCommand } from './render-command.js';
import { replayCommand } from './replay-command.js';
import { simulateCommand } from './simulate-command.js';
import { testCommand } from './test-command.js';
import { validateCommand } from './validate-command.js';
import { versionCommand } from './version-command.js';

export async function runCli(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const status = new ExitStatus();
  const run: Runner = (fn) =>
    Promise.resolve()
      .then(fn)
      .then(
        (code) => status.set(code),
        (err: unknown) => status.set(reportError(io, err)),
      );
  const program = new Command()
    .name('outputstraat')
    .description(
      'Check, render, simulate, test and diff Outputstraat flows-as-code; push receivables, tail events, ' +
        'show or erase a debtor and re-drive dead letters on a running street (docs/cli.md)',
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    });
  validateCommand(program, io, run);
  renderCommand(program, io, run);
  simulateCommand(program, io, run);
  replayCommand(program, io, run);
  testCommand(program, io, run);
  diffCommand(program, io, run);
  debtorsCommand(program, io, run);
  deadLettersCommand(program, io, run);
  receivablesCommand(program, io, run);
  eventsCommand(program, io, run);
  versionCommand(program, io, run);
  configCommand(program, io, run);
  completionCommand(program, io, run);
  dossiersCommand(program, io, run);
  experimentsCommand(program, io, run);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    status.set(reportError(io, err));
  }
  return status.code;
}
