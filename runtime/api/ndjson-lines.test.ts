import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { type NdjsonLine, ndjsonLines } from './ndjson-lines.js';

async function* chunks(...parts: (string | Uint8Array)[]) {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

async function read(parts: (string | Uint8Array)[], maxLineBytes = 16, maxBodyBytes = 1_000) {
  const out: NdjsonLine[] = [];
  for await (const line of ndjsonLines(chunks(...parts), { maxLineBytes, maxBodyBytes })) out.push(line);
  return out;
}

describe('NDJSON lines from a stream', () => {
  it('splits on line feeds across chunk boundaries, keeps a carriage return for the caller, and reads a last line without one', async () => {
    expect(await read(['{"a":', '1}\n{"b"', ':2}\r\n', '\n{"c":3}'])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}\r' },
      { line: 3, text: '' },
      { line: 4, text: '{"c":3}' },
    ]);
  });

  it('decodes a character split between chunks, and reports invalid UTF-8 by line instead of mangling it', async () => {
    const euro = Buffer.from('"€"');
    expect(
      await read([euro.subarray(0, 2), euro.subarray(2), '\n', Buffer.from([0x22, 0xff, 0x22, 0x0a])]),
    ).toEqual([
      { line: 1, text: '"€"' },
      { line: 2, problem: 'is not valid UTF-8; send the file as UTF-8' },
    ]);
  });

  it('skips a line over the cap as it streams, counting its bytes, and goes on with the next', async () => {
    const lines = await read(['{"ok":1}\n', 'x'.repeat(10), 'y'.repeat(10), 'z'.repeat(10), '\n{"ok":2}\n']);
    expect(lines).toEqual([
      { line: 1, text: '{"ok":1}' },
      {
        line: 2,
        problem:
          'is 30 bytes, longer than 16 (OST_NDJSON_MAX_LINE_BYTES); put one receivable on each line, at most that long',
      },
      { line: 3, text: '{"ok":2}' },
    ]);
  });

  it('stops with OST_ERR_BODY_TOO_LARGE once the body passes its cap', async () => {
    const err = await read(['{"a":1}\n'.repeat(5), '{"a":1}\n'.repeat(5)], 16, 60).catch((e: unknown) => e);
    expect(isOutputstraatError(err, 'OST_ERR_BODY_TOO_LARGE')).toBe(true);
  });
});
