// `outputstraat receivables push FILE.ndjson`: streams an NDJSON file to POST /v1/receivables in
// chunks of whole lines (at most 1000, so every rejected line comes back by number), with progress on
// stderr. After each acknowledged chunk the rejected lines are appended to FILE.errors.ndjson (with
// their line numbers in the file) and FILE.push-state.json records where the next chunk starts; `--resume`
// continues there after an interruption. Resending a chunk that was in flight is harmless: the ingress
// is idempotent on externalId per corporation. A complete push removes the state file.
import { existsSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import {
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  emit,
  existingPaths,
  outputFormat,
  type Runner,
  usageError,
} from './cli-io.js';
import { type NdjsonChunk, ndjsonChunks } from './ndjson-chunks.js';
import { type ApiAnswer, StreetApi, StreetApiError } from './street-api.js';

/** The runtime lists at most 1000 rejected lines per request: chunks no longer than that lose none. */
const MAX_CHUNK_LINES = 1000;
const CHUNK_BYTES = 4 * 1024 * 1024;
/** No receivable is near this long (the runtime's own cap is 64 KiB by default); such a line is not sent. */
const MAX_LINE_BYTES = 1024 * 1024;
const RETRIES = 5;

export interface PushState {
  file: string;
  size: number;
  mtimeMs: number;
  server: string;
  nextLine: number;
  nextByte: number;
  accepted: number;
  duplicates: number;
  errors: number;
  /** Length of the errors file when this state was written: a resume cuts off what came after. */
  errorsBytes: number;
}

interface LineError {
  line: number;
  externalId?: string;
  message: string;
}

interface ChunkAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: LineError[];
}

type Flags = ConnectionFlags & { output: string; resume?: boolean; chunkLines: string };

export function pushFiles(file: string) {
  return { state: `${file}.push-state.json`, errors: `${file}.errors.ndjson` };
}

function readState(path: string, file: string, size: number, mtimeMs: number): PushState {
  if (!existsSync(path)) {
    throw usageError(
      `there is no interrupted push of ${basename(file)} to resume (no ${basename(path)})`,
      'push it without --resume',
    );
  }
  const state = JSON.parse(readFileSync(path, 'utf8')) as PushState;
  if (state.size !== size || state.mtimeMs !== mtimeMs) {
    throw usageError(
      `${basename(file)} changed since the interrupted push`,
      'push it again without --resume (lines accepted before are not stored twice)',
    );
  }
  return state;
}

function writeState(path: string, state: PushState): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** A chunk's answer: 202 with the counts, or 400 when no line of it was accepted (the counts too). */
function chunkAnswer(answer: ApiAnswer): ChunkAnswer {
  const b = answer.body as Partial<ChunkAnswer> & { code?: string; message?: string };
  if (typeof b?.accepted === 'number' && typeof b.rejected === 'number' && Array.isArray(b.errors)) {
    return { accepted: b.accepted, duplicates: b.duplicates ?? 0, rejected: b.rejected, errors: b.errors };
  }
  throw new StreetApiError(
    b?.code ?? `HTTP_${answer.status}`,
    b?.message ?? 'unexpected answer',
    answer.status,
    b,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts one chunk; a runtime that is away, busy (429) or failing (5xx) is tried again a few times. */
async function postChunk(api: StreetApi, chunk: NdjsonChunk): Promise<ChunkAnswer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await api.request('POST', '/v1/receivables', {
        body: chunk.body,
        contentType: 'application/x-ndjson',
        accept: [400],
      });
      return chunkAnswer(answer);
    } catch (err) {
      const status = err instanceof StreetApiError ? err.status : undefined;
      const transient =
        status === undefined
          ? (err as { code?: string }).code === 'OST_ERR_CLI_REQUEST'
          : status === 429 || status >= 500;
      if (!transient || attempt >= RETRIES) throw err;
      const retryAfter = Number(
        (err as StreetApiError).body && ((err as StreetApiError).body as { retryAfter?: number }).retryAfter,
      );
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 500 * 2 ** attempt);
    }
  }
}

/** Progress on stderr: a bar redrawn in place on a terminal, a plain line per 10 % otherwise. */
export class Progress {
  private lastStep = -1;
  constructor(
    private readonly io: CliIo,
    private readonly size: number,
  ) {}

  show(s: PushState, done = false): void {
    const ratio = this.size === 0 ? 1 : s.nextByte / this.size;
    const pct = Math.floor(ratio * 100);
    const counts = `line ${s.nextLine - 1}  accepted ${s.accepted}  duplicates ${s.duplicates}  errors ${s.errors}`;
    if (this.io.tty) {
      const width = 30;
      const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.');
      this.io.tty.write(`\r[${bar}] ${String(pct).padStart(3)}%  ${counts}${done ? '\n' : ''}`);
      return;
    }
    const step = Math.floor(pct / 10);
    if (step > this.lastStep || done) {
      this.lastStep = step;
      this.io.err(`progress ${pct}% ${counts}`);
    }
  }
}

async function push(io: CliIo, fileArg: string, opts: Flags): Promise<number> {
  const format = outputFormat(opts.output);
  const chunkLines = Number(opts.chunkLines);
  if (!Number.isInteger(chunkLines) || chunkLines < 1 || chunkLines > MAX_CHUNK_LINES) {
    throw usageError(`--chunk-lines ${opts.chunkLines} is not 1-${MAX_CHUNK_LINES}`);
  }
  const [file] = existingPaths(io, [fileArg]) as [string];
  const api = new StreetApi(resolveConnection(opts));
  const { size, mtimeMs } = statSync(file);
  const paths = pushFiles(file);
  let state: PushState;
  if (opts.resume) {
    state = readState(paths.state, file, size, mtimeMs);
    if (existsSync(paths.errors)) truncateSync(paths.errors, state.errorsBytes);
    io.err(`resuming ${basename(file)} at line ${state.nextLine} (byte ${state.nextByte} of ${size})`);
  } else {
    if (existsSync(paths.state)) {
      io.err(
        `note: an earlier push of ${basename(file)} was interrupted; starting over (--resume continues it)`,
      );
    }
    state = {
      file: basename(file),
      size,
      mtimeMs,
      server: api.server,
      nextLine: 1,
      nextByte: 0,
      accepted: 0,
      duplicates: 0,
      errors: 0,
      errorsBytes: 0,
    };
    writeFileSync(paths.errors, '');
    writeState(paths.state, state);
  }
  const progress = new Progress(io, size);
  const limits = { maxLines: chunkLines, maxBytes: CHUNK_BYTES, maxLineBytes: MAX_LINE_BYTES };
  for await (const chunk of ndjsonChunks(file, { line: state.nextLine, byte: state.nextByte }, limits)) {
    const errors: LineError[] = chunk.oversized.map((line) => ({
      line,
      message: `line is longer than ${MAX_LINE_BYTES} bytes; put one receivable on each line`,
    }));
    let answer: ChunkAnswer = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
    if (chunk.lineNumbers.length > 0) {
      try {
        answer = await postChunk(api, chunk);
      } catch (err) {
        if (err instanceof Error) {
          err.message += `; the push stopped at line ${chunk.firstLine}: run it again with --resume`;
        }
        throw err;
      }
    }
    for (const e of answer.errors) errors.push({ ...e, line: chunk.lineNumbers[e.line - 1] ?? e.line });
    errors.sort((a, b) => a.line - b.line);
    const text = errors.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (text) await appendFile(paths.errors, text);
    state = {
      ...state,
      nextLine: chunk.firstLine + chunk.lines,
      nextByte: chunk.endByte,
      accepted: state.accepted + answer.accepted,
      duplicates: state.duplicates + answer.duplicates,
      errors: state.errors + errors.length,
      errorsBytes: state.errorsBytes + Buffer.byteLength(text),
    };
    writeState(paths.state, state);
    progress.show(state);
  }
  progress.show(state, true);
  rmSync(paths.state, { force: true });
  const summary = {
    file: fileArg,
    lines: state.nextLine - 1,
    accepted: state.accepted,
    duplicates: state.duplicates,
    errors: state.errors,
    errorsFile: state.errors > 0 ? `${fileArg}.errors.ndjson` : null,
  };
  if (state.errors === 0) rmSync(paths.errors, { force: true });
  if (format !== 'text') emit(io, format, summary);
  else {
    io.out(
      `pushed ${summary.lines} lines of ${fileArg}: accepted ${summary.accepted}, duplicates ${summary.duplicates}, errors ${summary.errors}`,
    );
    if (summary.errorsFile) io.out(`the errors, by line number: ${summary.errorsFile}`);
  }
  return state.errors > 0 ? EXIT_FAILED : EXIT_OK;
}

export function receivablesCommand(program: Command, io: CliIo, run: Runner): void {
  const group = program.command('receivables').description('receivables on a running street');
  connectionOptions(group.command('push'))
    .description(
      'stream an NDJSON file (one receivable per line) to the ingress, with progress, an errors file and --resume',
    )
    .argument('<file>', 'the NDJSON file; FILE.errors.ndjson gets the rejected lines by line number')
    .option('--resume', 'continue an interrupted push where FILE.push-state.json says it stopped')
    .option('--chunk-lines <n>', `lines per request (1-${MAX_CHUNK_LINES})`, String(MAX_CHUNK_LINES))
    .action((file: string, opts: Flags) => run(() => push(io, file, opts)));
}
