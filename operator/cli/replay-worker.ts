// A replay worker thread of `outputstraat replay --workers N`: replays the chunks of record lines the
// main thread posts, each through its own Replay over the bundle it was started with, and posts back
// the chunk's report (merged in chunk order by the main thread, core/replay mergeReports) or its first
// bad line.
import { parentPort, workerData } from 'node:worker_threads';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { Replay } from '../../core/replay/index.js';
import { parseRecordLine } from './replay-records.js';
import type { ChunkReply, ChunkRequest } from './replay-workers.js';

const { bundle } = workerData as { bundle: ConfigBundle };
const port = parentPort!;

port.on('message', (chunk: ChunkRequest) => {
  const run = new Replay(bundle);
  const lines = Buffer.from(chunk.body.buffer, chunk.body.byteOffset, chunk.body.byteLength)
    .toString('utf8')
    .split('\n');
  let reply: ChunkReply | undefined;
  for (let i = 0; i < chunk.lineNumbers.length; i++) {
    const record = parseRecordLine(lines[i]!);
    if (record === undefined) continue;
    if (typeof record === 'string') {
      reply = { id: chunk.id, bad: { line: chunk.lineNumbers[i]!, what: record } };
      break;
    }
    run.add(record);
  }
  port.postMessage(reply ?? { id: chunk.id, report: run.report() });
});
