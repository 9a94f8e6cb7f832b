// `outputstraat replay <paths...> --records FILE.ndjson`: past receivables with what happened to them
// through the flow version in <paths> (folders, or with --ref those paths in a git revision), per day and channel
// next to what the street sent; `outputstraat replay export --file FILE.ndjson` writes the street's own
// history through GET /v1/replay-records. docs/outcomes.md, "Replay".

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { Replay, type ReplayRecord, type ReplayReport } from '../../core/replay/index.js';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import { type CliIo, EXIT_OK, emit, existingPaths, outputFormat, type Runner, usageError } from './cli-io.js';
import { gitSnapshot } from './diff/git-snapshot.js';
import { loadBundle } from './load-street.js';
import { badLineError, parseRecordLine } from './replay-records.js';
import { CHUNK_LINES, replayInWorkers } from './replay-workers.js';
import { StreetApi } from './street-api.js';

interface ReplayFlags {
  records?: string;
  ref?: string;
  corporation?: string;
  output?: string;
  workers?: string;
}

const euros = (cents: number) => `€ ${(cents / 100).toFixed(2)}`;

/** Lines with anything but whitespace in the file, counted over its bytes (for the progress line). */
async function countRecords(path: string): Promise<number> {
  let count = 0;
  let filled = false;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) {
      if (byte === 10) {
        if (filled) count++;
        filled = false;
      } else if (byte !== 32 && byte !== 13 && byte !== 9) filled = true;
    }
  }
  return filled ? count + 1 : count;
}

/** The NDJSON file's records one by one, never all in memory (a bad line is a usage error naming its number). */
async function* readRecords(file: string, path: string): AsyncGenerator<ReplayRecord> {
  let n = 0;
  for await (const line of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    n++;
    const record = parseRecordLine(line);
    if (record === undefined) continue;
    if (typeof record === 'string') throw badLineError(file, n, record);
    yield record;
  }
}

/** --workers: a whole number from 1; default the threads the machine offers. */
function workerCount(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw usageError(`--workers must be a whole number from 1 to 256, not "${value}"`, 'try --workers 2');
  return n;
}

/**
 * The bundle of `paths` as they are in git revision `ref` (read with git archive, as `outputstraat diff`
 * reads one; the working tree is never touched). A path the revision does not have is a usage error.
 */
function bundleAtRevision(io: CliIo, ref: string, paths: string[], corporation?: string): ConfigBundle {
  const snapshot = gitSnapshot(io.cwd, ref, paths);
  try {
    if (snapshot.paths.length < paths.length) {
      const inside = new Set(snapshot.paths.map((p) => relative(snapshot.cwd, p)));
      const missing = paths.filter((p) => !inside.has(relative(io.cwd, resolve(io.cwd, p))));
      throw usageError(
        `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in revision ${ref}`,
        'name paths that exist at that revision (git ls-tree REF shows them)',
      );
    }
    return loadBundle({ ...io, cwd: snapshot.cwd }, paths, corporation);
  } finally {
    snapshot.remove();
  }
}

/** The report as text: per day and channel, then the totals and the cost per channel. */
export function replayText(r: ReplayReport): string[] {
  const rows = [
    ['day', 'channel', 'replayed', 'actual', 'difference'],
    ...r.days.map((d) => {
      const diff = d.replayed - d.actual;
      return [d.day, d.channel, String(d.replayed), String(d.actual), `${diff > 0 ? '+' : ''}${diff}`];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const t = (x: ReplayReport['replayed'], y: ReplayReport['actual']) => [
    `contacts ${x.contacts} (actual ${y.contacts})`,
    `letters ${x.letters} (actual ${y.letters})`,
    `consultant tasks ${x.tasks} (actual ${y.tasks})`,
    `cost ${euros(x.costCents)} (actual ${euros(y.costCents)})`,
  ];
  return [
    `replayed ${r.records} receivables${r.failed.length ? `, ${r.failed.length} could not run` : ''}`,
    ...rows.map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    ),
    `totals: ${t(r.replayed, r.actual).join(', ')}`,
    `cost per channel: ${r.costPerChannel.map((c) => `${c.channel} ${euros(c.replayedCents)} (actual ${euros(c.actualCents)})`).join(', ') || 'none'}`,
    ...r.failed.slice(0, 10).map((f) => `could not run ${f.externalId}: ${f.error}`),
  ];
}

export async function runReplay(io: CliIo, paths: string[], opts: ReplayFlags): Promise<number> {
  const format = outputFormat(opts.output);
  workerCount(opts.workers);
  if (!opts.records)
    throw usageError('--records is missing', 'write one with `outputstraat replay export --file FILE`');
  const bundle = opts.ref
    ? bundleAtRevision(io, opts.ref, paths, opts.corporation)
    : loadBundle(io, paths, opts.corporation);
  const [path] = existingPaths(io, [opts.records]) as [string];
  const total = await countRecords(path);
  const every = Math.max(1_000, Math.ceil(total / 20));
  const started = Date.now();
  const progress = (done: number) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    const line = `replayed ${done}/${total} (${pct}%) in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (io.tty) io.tty.write(`\r${line}${done === total ? '\n' : ''}`);
    else io.err(line);
  };
  // Workers only when there is more than one chunk for them.
  const workers = Math.min(workerCount(opts.workers), Math.ceil(total / CHUNK_LINES));
  let report: ReplayReport;
  if (workers > 1) {
    let shown = 0;
    report = await replayInWorkers({
      bundle,
      file: opts.records,
      path,
      workers,
      onProgress: (done) => {
        if (Math.floor(done / every) > Math.floor(shown / every)) progress(done);
        shown = done;
      },
    });
  } else {
    const run = new Replay(bundle);
    for await (const record of readRecords(opts.records, path)) {
      run.add(record);
      if (run.count % every === 0) progress(run.count);
    }
    report = run.report();
  }
  progress(report.records);
  if (format !== 'text') emit(io, format, report);
  else for (const line of replayText(report)) io.out(line);
  return EXIT_OK;
}

async function runExport(io: CliIo, opts: ConnectionFlags & { file: string; from?: string; to?: string }) {
  const api = new StreetApi(resolveConnection(opts));
  const body = await api.stream('/v1/replay-records', 'application/x-ndjson', {
    query: { from: opts.from, to: opts.to },
    timeoutMs: 30 * 60_000,
  });
  const out = createWriteStream(opts.file);
  let lines = 0;
  for await (const chunk of Readable.fromWeb(body as never)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  io.err(`wrote ${lines} replay records to ${opts.file}`);
  return EXIT_OK;
}

export function replayCommand(program: Command, io: CliIo, run: Runner): void {
  const command = program
    .command('replay')
    .description(
      'run past receivables (with their payments, bounces and opens) through a flow version and print per day and channel what it would have sent next to what was sent',
    )
    .argument('<paths...>', 'files or folders with the YAML resources of the flow version to replay')
    .option('-r, --records <file>', 'replay records, NDJSON (`outputstraat replay export`); required')
    .option(
      '--ref <revision>',
      'read <paths> as they are in this git revision (commit, branch, tag, HEAD~1) instead of the working folder',
    )
    .option('-c, --corporation <namespace>', 'corporation whose bundle is used (default: the only one)')
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .option(
      '-w, --workers <n>',
      'worker threads replaying in parallel (default: the threads the machine offers; 1: in this thread)',
    )
    .action((paths: string[], opts: ReplayFlags) => run(() => runReplay(io, paths, opts)));
  connectionOptions(
    command
      .command('export')
      .description("write the street's own history (GET /v1/replay-records) to an NDJSON file for replay")
      .requiredOption('-f, --file <file>', 'the NDJSON file to write')
      .option('--from <time>', 'receivables accepted at or after this date or time (default: 90 days ago)')
      .option('--to <time>', 'receivables accepted before this date or time (default: now)'),
  ).action((opts: ConnectionFlags & { file: string; from?: string; to?: string }) =>
    run(() => runExport(io, opts)),
  );
}
