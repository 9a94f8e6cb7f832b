// Bulk intake: application/x-ndjson, one receivable per line, read as a stream so a 100 000-line request
// is never held in memory. Good lines are published as they are read (bounded in flight); bad lines are
// reported by line number. A 202 means every good line is durably on JetStream.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { describeFieldErrors, validateReceivable } from '../../core/receivable/index.js';
import { publishReceivable, type ReceivableRouteDeps } from './receivable-routes.js';

const MAX_IN_FLIGHT = 512;
const MAX_REPORTED_ERRORS = 1000;

export interface BulkResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: { line: number; externalId?: string; message: string }[];
  errorsTruncated?: boolean;
}

export async function acceptNdjson(
  body: NodeJS.ReadableStream,
  corporation: string,
  deps: ReceivableRouteDeps,
): Promise<BulkResult> {
  const result: BulkResult = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  const reject = (line: number, message: string, externalId?: string) => {
    result.rejected++;
    if (result.errors.length < MAX_REPORTED_ERRORS) {
      result.errors.push({ line, ...(externalId ? { externalId } : {}), message });
    } else result.errorsTruncated = true;
  };
  const inFlight = new Set<Promise<void>>();
  let lineNo = 0;
  const lines = createInterface({ input: Readable.from(body as AsyncIterable<Buffer>), crlfDelay: Infinity });
  for await (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      reject(lineNo, 'not valid JSON');
      continue;
    }
    const checked = validateReceivable(parsed);
    if (!checked.ok) {
      const id = (parsed as { externalId?: unknown })?.externalId;
      reject(lineNo, describeFieldErrors(checked.errors), typeof id === 'string' ? id : undefined);
      continue;
    }
    const n = lineNo;
    const p: Promise<void> = publishReceivable(deps, corporation, checked.value)
      .then(({ duplicate }) => {
        if (duplicate) result.duplicates++;
        else result.accepted++;
      })
      .catch((err: Error) => reject(n, err.message, checked.value.externalId))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  deps.metrics.receivablesAccepted.inc({ corporation }, result.accepted);
  if (result.rejected > 0)
    deps.metrics.receivablesRejected.inc({ corporation, reason: 'validation' }, result.rejected);
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}
