// Bulk intake: application/x-ndjson, one receivable per line, read as a stream so a 100 000-line request
// is never held in memory. Good lines are gathered into chunks (up to CHUNK_RECEIVABLES lines or
// CHUNK_BYTES) and each chunk is published as one JetStream message, a bounded number in flight; bad
// lines are reported by line number. A 202 means every good line is durably on JetStream.
// Bounded: a line longer than OST_NDJSON_MAX_LINE_BYTES is skipped as it streams in and reported by
// number; past OST_NDJSON_MAX_BODY_BYTES the request ends with 413; every line read costs one of the API
// key's line budget (OST_RATE_LIMIT_LINES_PER_SECOND), waited for rather than refused.
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createError, isOutputstraatError } from '../../core/errors/index.js';
import { describeFieldErrors, validateReceivable } from '../../core/receivable/index.js';
import type { TokenBuckets } from '../../platform/rate-limit/token-buckets.js';
import { chunkMsgId, RECEIVABLE_COUNT_HEADER } from '../intake/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type NdjsonLimits, ndjsonLines } from './ndjson-lines.js';
import { publishToIntake } from './publish-intake.js';
import { paceLines } from './rate-limit.js';

/** Receivables per JetStream message: big enough that the per-message cost vanishes, small enough to redo. */
export const CHUNK_RECEIVABLES = 500;
/** Well under nats-server's default max_payload of 1 MiB. */
export const CHUNK_BYTES = 512 * 1024;
/**
 * A chunk of at least this many receivables goes to intake's bulk lane (consumer `intake-bulk`), so a
 * corporation's rent day never stands between another corporation's few receivables and intake; a
 * smaller one (a post of a few, a bulk's last piece) takes the lane of single posts.
 */
export const BULK_LANE_MIN = 50;
const MAX_CHUNKS_IN_FLIGHT = 8;
const MAX_REPORTED_ERRORS = 1000;
/** Lines taken from the key's line budget at a time. */
const PACE_LINES = 500;

/** What one bulk post may cost: bytes per line and per request, and the lines budget per API key. */
export interface BulkLimits extends NdjsonLimits {
  lines: TokenBuckets;
}

export interface BulkDeps {
  js: JetStreamClient;
  metrics: RuntimeMetrics;
  bulk: BulkLimits;
  /** Whose line budget the lines cost: the API key's hash. */
  keyHash: string;
}

export interface BulkResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: { line: number; externalId?: string; message: string }[];
  errorsTruncated?: boolean;
}

interface Chunk {
  json: string[];
  lines: number[];
  externalIds: string[];
  bytes: number;
}

const emptyChunk = (): Chunk => ({ json: [], lines: [], externalIds: [], bytes: 0 });

export async function acceptNdjson(
  body: NodeJS.ReadableStream,
  corporation: string,
  deps: BulkDeps,
): Promise<BulkResult> {
  const result: BulkResult = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  const reject = (line: number, message: string, externalId?: string) => {
    result.rejected++;
    if (result.errors.length < MAX_REPORTED_ERRORS) {
      result.errors.push({ line, ...(externalId ? { externalId } : {}), message });
    } else result.errorsTruncated = true;
  };
  const inFlight = new Set<Promise<void>>();
  const publish = async (chunk: Chunk) => {
    const p: Promise<void> = publishChunk(deps, corporation, chunk)
      .then(({ duplicate }) => {
        if (duplicate) result.duplicates += chunk.lines.length;
        else result.accepted += chunk.lines.length;
      })
      .catch((err: Error) => {
        for (const [i, line] of chunk.lines.entries()) reject(line, err.message, chunk.externalIds[i]);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= MAX_CHUNKS_IN_FLIGHT) await Promise.race(inFlight);
  };

  let chunk = emptyChunk();
  let unpaced = 0;
  let linesRead = 0;
  let tooLarge = false;
  try {
    for await (const item of ndjsonLines(body as AsyncIterable<Uint8Array>, deps.bulk)) {
      linesRead = item.line;
      if (++unpaced === PACE_LINES) {
        await paceLines(deps.bulk.lines, deps.keyHash, unpaced);
        unpaced = 0;
      }
      if ('problem' in item) {
        reject(item.line, `line ${item.problem}`);
        continue;
      }
      const line = item.text.trim();
      if (line === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        reject(item.line, 'not valid JSON');
        continue;
      }
      const checked = validateReceivable(parsed);
      if (!checked.ok) {
        const id = (parsed as { externalId?: unknown })?.externalId;
        reject(item.line, describeFieldErrors(checked.errors), typeof id === 'string' ? id : undefined);
        continue;
      }
      const json = JSON.stringify(checked.value);
      // Bytes, not characters: names with accents take two or three bytes each in UTF-8.
      const bytes = Buffer.byteLength(json) + 1;
      if (chunk.lines.length > 0 && chunk.bytes + bytes > CHUNK_BYTES) {
        await publish(chunk);
        chunk = emptyChunk();
      }
      chunk.json.push(json);
      chunk.lines.push(item.line);
      chunk.externalIds.push(checked.value.externalId);
      chunk.bytes += bytes;
      if (chunk.lines.length >= CHUNK_RECEIVABLES) {
        await publish(chunk);
        chunk = emptyChunk();
      }
    }
  } catch (err) {
    if (!isOutputstraatError(err, 'OST_ERR_BODY_TOO_LARGE')) throw err;
    tooLarge = true;
  }
  if (chunk.lines.length > 0) await publish(chunk);
  await Promise.all(inFlight);
  await paceLines(deps.bulk.lines, deps.keyHash, unpaced);
  deps.metrics.receivablesAccepted.inc({ corporation }, result.accepted);
  if (result.rejected > 0)
    deps.metrics.receivablesRejected.inc({ corporation, reason: 'validation' }, result.rejected);
  result.errors.sort((a, b) => a.line - b.line);
  if (tooLarge) {
    deps.metrics.receivablesRejected.inc({ corporation, reason: 'too-large' });
    throw createError(
      'OST_ERR_BODY_TOO_LARGE',
      [deps.bulk.maxBodyBytes, tooLargeHint(deps.bulk, linesRead)],
      {
        details: { ...result, linesRead },
      },
    );
  }
  return result;
}

/** What to do about a request over the byte cap, and how much of it was taken. */
export function tooLargeHint(limits: NdjsonLimits, linesRead?: number): string {
  const split = `split the file into requests of at most ${limits.maxBodyBytes} bytes (OST_NDJSON_MAX_BODY_BYTES)`;
  if (linesRead === undefined) return `${split}; nothing of this request was accepted`;
  return `${split}; lines 1 to ${linesRead} were read and their good lines accepted (see accepted): send the lines after line ${linesRead} again`;
}

/** One chunk as one message; the body is assembled from the lines' JSON rather than re-serialised. */
async function publishChunk(
  deps: Pick<BulkDeps, 'js'>,
  corporation: string,
  chunk: Chunk,
): Promise<{ duplicate: boolean }> {
  const receivables = `[${chunk.json.join(',')}]`;
  const body =
    `{"type":"receivables","corporation":${JSON.stringify(corporation)},` +
    `"receivedAt":"${new Date().toISOString()}","receivables":${receivables}}`;
  const headers = natsHeaders();
  headers.set(RECEIVABLE_COUNT_HEADER, String(chunk.lines.length));
  return publishToIntake(
    deps.js,
    corporation,
    body,
    { msgID: chunkMsgId(corporation, receivables), headers },
    chunk.lines.length >= BULK_LANE_MIN ? 'bulk' : 'single',
  );
}
