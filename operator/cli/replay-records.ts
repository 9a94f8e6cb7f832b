// One line of a replay records file (NDJSON, `outputstraat replay export`) read as a record, the same
// in the CLI's main thread and in its replay workers. A bad line is a usage error naming its number.
import type { ReplayRecord } from '../../core/replay/index.js';
import { usageError } from './cli-io.js';

export type BadLine = 'not-json' | 'not-record';

/** The record on `line`, undefined for a blank line, or what is wrong with it. */
export function parseRecordLine(line: string): ReplayRecord | undefined | BadLine {
  if (line.trim() === '') return undefined;
  let record: ReplayRecord;
  try {
    record = JSON.parse(line) as ReplayRecord;
  } catch {
    return 'not-json';
  }
  if (!record?.receivable || !record.acceptedAt || !record.until || !Array.isArray(record.events))
    return 'not-record';
  record.sent ??= [];
  record.alerts ??= [];
  return record;
}

export function badLineError(file: string, line: number, bad: BadLine) {
  return usageError(
    `${file} line ${line} is ${bad === 'not-json' ? 'not JSON' : 'not a replay record'}`,
    'write it with `outputstraat replay export`',
  );
}
