// `outputstraat simulate <path...> --receivable FILE`: one receivable through the compiled flows on a
// virtual clock, with events at chosen times, printed as a timeline.
import type { Command } from 'commander';
import { calendarOf } from '../../core/cases/index.js';
import { isOffset, resolveInstant, simulate, toDate } from '../../core/simulator/index.js';
import { type CliIo, EXIT_OK, emit, outputFormat, parseArgument, type Runner, usageError } from './cli-io.js';
import { parseEventSpec } from './event-spec.js';
import { loadBundle } from './load-street.js';
import { readReceivableFile } from './receivable-file.js';
import { formatSimulation } from './simulate-report.js';

interface SimulateOptions {
  receivable: string;
  corporation?: string;
  start?: string;
  until: string;
  event: string[];
  /** '<at> <file>': another receivable of the same debtor posted at <at>. */
  add: string[];
  output?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Now, to the minute: the default start when --start is not given. */
function thisMinute(): Date {
  const now = Date.now();
  return new Date(now - (now % 60_000));
}

export function runSimulate(io: CliIo, paths: string[], opts: SimulateOptions): number {
  const format = outputFormat(opts.output);
  const events = opts.event.map(parseEventSpec);
  for (const spec of opts.add) {
    const [at, file, ...rest] = spec.trim().split(/\s+/);
    if (!at || !file || rest.length > 0) {
      throw usageError(
        `--add "${spec}" needs a time and a receivable file`,
        "e.g. '+3d receivables/rent-april.json'",
      );
    }
    events.push({ at, type: 'receivable', receivable: readReceivableFile(io, file) });
  }
  const receivable = readReceivableFile(io, opts.receivable);
  const bundle = loadBundle(io, paths, opts.corporation, opts.receivable);
  const calendar = calendarOf(bundle);
  const start = parseArgument(() =>
    opts.start === undefined
      ? thisMinute()
      : isOffset(opts.start)
        ? resolveInstant(opts.start, thisMinute(), calendar, '--start')
        : toDate(opts.start, '--start'),
  );
  parseArgument(() => {
    resolveInstant(opts.until, start, calendar, '--until');
    for (const e of events) {
      const what = `--${e.type === 'receivable' ? 'add' : 'event'} "${e.at} ${e.type}"`;
      if (resolveInstant(e.at, start, calendar, what) < start)
        throw new RangeError(`${what} is before --start`);
    }
  });
  const result = simulate({ bundle, receivable, events, start, until: opts.until });
  if (format !== 'text') emit(io, format, result);
  else
    for (const line of formatSimulation(result, { corporation: bundle.corporation.displayName, receivable }))
      io.out(line);
  return EXIT_OK;
}

export function simulateCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('simulate')
    .description('run a receivable through the flows on a virtual clock and print the timeline')
    .argument('<paths...>', 'files or folders with YAML resources')
    .requiredOption('-r, --receivable <file>', 'ERP receivable JSON (the POST /v1/receivables body)')
    .option(
      '-c, --corporation <namespace>',
      'corporation whose bundle is used (default: the only one, or the one whose folder holds the receivable)',
    )
    .option('--start <time>', 'when the receivable arrives: ISO time with zone, or +offset from now')
    .option('--until <time>', 'when the simulation stops: +offset from the start or ISO time', '+30d')
    .option(
      '-e, --event <spec>',
      "an event: '<at> <type> [step [channel] | balance]', e.g. '+1h bounced storno-email' (repeatable)",
      collect,
      [],
    )
    .option(
      '-a, --add <spec>',
      "another receivable of the same debtor: '<at> <file>', e.g. '+3d rent-april.json'; it joins a per-debtor dossier (repeatable)",
      collect,
      [],
    )
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .action((paths: string[], opts: SimulateOptions) => run(() => runSimulate(io, paths, opts)));
}
