// `outputstraat replay --workers N`: the main thread streams the records file in chunks of whole lines
// (ndjson-chunks.ts) to N worker threads (replay-worker.ts), at most two chunks in flight per worker,
// and merges the chunks' reports in file order (core/replay mergeReports), so the report is the one a
// single thread prints. The first bad line in the file is the usage error, as in one thread.
import { Worker } from 'node:worker_threads';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { mergeReports, type ReplayReport } from '../../core/replay/index.js';
import { workerModule } from '../../platform/worker-module.js';
import { ndjsonChunks } from './ndjson-chunks.js';
import { type BadLine, badLineError } from './replay-records.js';

/** Lines per chunk a worker replays at a time. */
export const CHUNK_LINES = 500;
const IN_FLIGHT = 2;

export interface ChunkRequest {
  id: number;
  body: Uint8Array;
  /** Per line of body, its line number in the file. */
  lineNumbers: number[];
}

export type ChunkReply =
  | { id: number; report: ReplayReport; bad?: undefined }
  | { id: number; bad: { line: number; what: BadLine }; report?: undefined };

function startWorker(bundle: ConfigBundle): Worker {
  const { url, execArgv } = workerModule('replay-worker', import.meta.url);
  return new Worker(url, { workerData: { bundle }, execArgv });
}

export async function replayInWorkers(options: {
  bundle: ConfigBundle;
  /** The records file as the user named it (for errors) and its absolute path. */
  file: string;
  path: string;
  workers: number;
  onProgress: (done: number) => void;
}): Promise<ReplayReport> {
  const reports: ReplayReport[] = [];
  let bad: { line: number; what: BadLine } | undefined;
  let failure: Error | undefined;
  let done = 0;
  let wake: (() => void) | undefined;
  const pool = Array.from({ length: options.workers }, () => {
    const slot = { worker: startWorker(options.bundle), inFlight: 0 };
    slot.worker.on('message', (reply: ChunkReply) => {
      slot.inFlight--;
      if (reply.bad) {
        if (!bad || reply.bad.line < bad.line) bad = reply.bad;
      } else {
        reports[reply.id] = reply.report;
        done += reply.report.records;
        options.onProgress(done);
      }
      wake?.();
    });
    slot.worker.on('error', (err) => {
      failure ??= err;
      wake?.();
    });
    return slot;
  });
  const stopped = () => bad !== undefined || failure !== undefined;
  const until = async (ready: () => boolean) => {
    while (!ready() && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    let id = 0;
    const limits = {
      maxLines: CHUNK_LINES,
      maxBytes: 64 * 1024 * 1024,
      maxLineBytes: Number.POSITIVE_INFINITY,
    };
    for await (const chunk of ndjsonChunks(options.path, { line: 1, byte: 0 }, limits)) {
      await until(() => stopped() || pool.some((s) => s.inFlight < IN_FLIGHT));
      if (stopped()) break;
      const slot = pool.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      slot.inFlight++;
      const request: ChunkRequest = { id: id++, body: chunk.body, lineNumbers: chunk.lineNumbers };
      slot.worker.postMessage(request);
    }
    // Chunks before a bad line are all in flight or done: wait for them, so the first bad line is named.
    await until(() => pool.every((s) => s.inFlight === 0));
    if (failure) throw failure;
    if (bad) throw badLineError(options.file, bad.line, bad.what);
    return mergeReports(reports);
  } finally {
    await Promise.all(pool.map((s) => s.worker.terminate()));
  }
}
