// An NDJSON file read from a byte offset as chunks of whole lines, for `receivables push`: each chunk
// knows the file line number of its first line and the byte offset after its last, which is what the
// push's state file records once the runtime acknowledged the chunk. A line longer than `maxLineBytes`
// is never held: it is skipped as it streams by and handed back as an oversized line number.
import { createReadStream } from 'node:fs';

export interface NdjsonChunk {
  /** File line number (1-based) of the chunk's first line. */
  firstLine: number;
  /** Lines in the chunk, oversized ones included (they are not in `body`). */
  lines: number;
  /** The lines that fit, each ending in LF, in file order. */
  body: Buffer;
  /** Per line of `body`, its file line number (empty lines included, as the runtime counts them). */
  lineNumbers: number[];
  /** Lines longer than maxLineBytes: their file line numbers. */
  oversized: number[];
  /** Byte offset just after the chunk's last line: where the next chunk starts. */
  endByte: number;
}

export interface ChunkLimits {
  maxLines: number;
  maxBytes: number;
  maxLineBytes: number;
}

export async function* ndjsonChunks(
  path: string,
  start: { line: number; byte: number },
  limits: ChunkLimits,
): AsyncGenerator<NdjsonChunk> {
  let line = start.line;
  let byte = start.byte;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let lineBytes = 0;
  let chunk = newChunk(line, byte);

  const endLine = () => {
    const number = line++;
    chunk.lines++;
    if (lineBytes > limits.maxLineBytes) chunk.oversized.push(number);
    else {
      parts.push(Buffer.from([0x0a]));
      chunk.lineNumbers.push(number);
      partBytes += 1;
    }
    lineBytes = 0;
    chunk.endByte = byte;
  };
  const full = () => chunk.lines >= limits.maxLines || partBytes >= limits.maxBytes;
  const take = (): NdjsonChunk => {
    const done = { ...chunk, body: Buffer.concat(parts) };
    chunk = newChunk(line, byte);
    parts = [];
    partBytes = 0;
    return done;
  };

  // Bytes of the current line not yet known to fit stay in `pending` until the line ends or overflows.
  let pending: Buffer[] = [];
  for await (const data of createReadStream(path, { start: start.byte })) {
    const buf = data as Buffer;
    let from = 0;
    while (from < buf.length) {
      const lf = buf.indexOf(0x0a, from);
      const end = lf === -1 ? buf.length : lf;
      const piece = buf.subarray(from, end);
      lineBytes += piece.length;
      if (lineBytes <= limits.maxLineBytes) pending.push(piece);
      else pending = [];
      byte += end - from;
      from = end;
      if (lf === -1) break;
      byte += 1;
      from += 1;
      if (lineBytes <= limits.maxLineBytes) {
        for (const p of pending) parts.push(Buffer.from(p));
        partBytes += lineBytes;
      }
      pending = [];
      endLine();
      if (full()) yield take();
    }
  }
  if (lineBytes > 0) {
    if (lineBytes <= limits.maxLineBytes) {
      for (const p of pending) parts.push(Buffer.from(p));
      partBytes += lineBytes;
    }
    endLine();
  }
  if (chunk.lines > 0) yield take();
}

function newChunk(line: number, byte: number): Omit<NdjsonChunk, 'body'> & { body?: Buffer } {
  return { firstLine: line, lines: 0, lineNumbers: [], oversized: [], endByte: byte };
}
