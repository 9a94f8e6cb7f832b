// NDJSON lines from a request body as it streams in, never holding more than one line's cap: a line
// longer than `maxLineBytes` is skipped as it arrives (only its length is counted) and reported by its
// number, so a 50 MB line costs the runtime 64 KiB, not 50 MB. Lines are split on LF (a CR before it
// is the caller's to trim) and decoded as strict UTF-8: a line with invalid bytes is reported rather
// than mangled with replacement characters. Past `maxBodyBytes` of body the reading stops with
// OST_ERR_BODY_TOO_LARGE (the caller says what was taken and what to do).
import { createError } from '../../core/errors/index.js';

export type NdjsonLine = { line: number; text: string } | { line: number; problem: string };

export interface NdjsonLimits {
  maxLineBytes: number;
  maxBodyBytes: number;
}

const LF = 0x0a;

export async function* ndjsonLines(
  body: AsyncIterable<Uint8Array>,
  limits: NdjsonLimits,
): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Uint8Array[] = [];
  let lineBytes = 0;
  let bodyBytes = 0;
  let line = 0;
  const finish = (): NdjsonLine => {
    line++;
    const bytes = lineBytes;
    const kept = parts;
    parts = [];
    lineBytes = 0;
    if (bytes > limits.maxLineBytes) {
      return {
        line,
        problem:
          `is ${bytes} bytes, longer than ${limits.maxLineBytes} (OST_NDJSON_MAX_LINE_BYTES); ` +
          'put one receivable on each line, at most that long',
      };
    }
    try {
      return { line, text: decoder.decode(kept.length === 1 ? kept[0] : Buffer.concat(kept)) };
    } catch {
      return { line, problem: 'is not valid UTF-8; send the file as UTF-8' };
    }
  };
  for await (const chunk of body) {
    bodyBytes += chunk.length;
    if (bodyBytes > limits.maxBodyBytes) {
      throw createError('OST_ERR_BODY_TOO_LARGE', [limits.maxBodyBytes, `stopped after line ${line}`]);
    }
    let from = 0;
    while (from < chunk.length) {
      const end = chunk.indexOf(LF, from);
      const piece = chunk.subarray(from, end === -1 ? chunk.length : end);
      lineBytes += piece.length;
      // Over the cap the rest of the line is only counted, never kept.
      if (lineBytes <= limits.maxLineBytes) parts.push(piece);
      else parts = [];
      if (end === -1) break;
      yield finish();
      from = end + 1;
    }
  }
  if (lineBytes > 0 || parts.length > 0) yield finish();
}
