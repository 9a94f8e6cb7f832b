import { describe, expect, it } from 'vitest';
import {
  parseReturnFile,
  RETURN_FILE_MAX_BYTES,
  RETURN_FILE_MAX_LINES,
  returnReport,
} from './print-return-file.js';

const ID = '0b5c6f2e-3a1d-4c2b-9e8f-1a2b3c4d5e6f';
const HEADER = 'messageId,trackingNumber,status,date,reason';

describe('the return file of registered letters', () => {
  it('reads CSV lines with a header, CRLF, a BOM and a trailing newline', () => {
    const csv = `\uFEFF${HEADER}\r\n${ID.toUpperCase()},3SABC123,delivered,2026-12-03,\r\n${ID},3SABC124,returned,2026-12-04,refused\r\n`;
    expect(parseReturnFile('r.csv', Buffer.from(csv))).toEqual({
      entries: [
        { line: 2, messageId: ID, trackingNumber: '3SABC123', status: 'delivered', date: '2026-12-03' },
        {
          line: 3,
          messageId: ID,
          trackingNumber: '3SABC124',
          status: 'returned',
          date: '2026-12-04',
          reason: 'refused',
        },
      ],
      problems: [],
    });
  });

  it('reports each bad line by number and reason without echoing it', () => {
    const csv = [
      HEADER,
      `${ID},3SABC123,delivered,2026-13-01,`,
      `${ID},<script>,delivered,2026-12-01,`,
      `${ID},3SABC123,"delivered",2026-12-01,`,
      `${ID},3SABC123,delivered,2026-12-01,,extra`,
      `${ID},3SABC123,returned,2026-12-01,gone fishing`,
    ].join('\n');
    const parsed = parseReturnFile('r.csv', Buffer.from(csv));
    expect(parsed.entries).toEqual([]);
    expect(parsed.problems).toEqual([
      { line: 2, reason: 'date must be a real date, YYYY-MM-DD' },
      { line: 3, reason: 'trackingNumber must be 4 to 40 letters, digits or dashes' },
      { line: 4, reason: 'status must be delivered or returned' },
      { line: 5, reason: 'has 6 fields, the header 5' },
      { line: 6, reason: 'reason must be one of not-collected, refused, moved, unknown-address, other' },
    ]);
    expect(returnReport('r.csv', parsed, 0, [])).not.toContain('<script>');
  });

  it('reads a JSON array and refuses entries that are not objects or carry unknown fields', () => {
    const json = JSON.stringify([
      { messageId: ID, trackingNumber: 'RR123456789NL', status: 'delivered', date: '2026-12-03' },
      'text',
      { messageId: ID, trackingNumber: 'RR1', status: 'delivered', date: '2026-12-03', __proto__x: 1 },
      null,
    ]);
    const parsed = parseReturnFile('r.JSON', Buffer.from(json));
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.problems).toEqual([
      { line: 2, reason: 'is not an object' },
      { line: 3, reason: 'has unknown fields (1)' },
      { line: 4, reason: 'is not an object' },
    ]);
  });

  it('refuses a whole file that is too large, too long, not UTF-8, not JSON, headerless or of another kind', () => {
    const refused = (name: string, body: Buffer) => parseReturnFile(name, body).refused;
    expect(refused('r.csv', Buffer.alloc(RETURN_FILE_MAX_BYTES + 1, 0x41))).toBe(
      `larger than ${RETURN_FILE_MAX_BYTES} bytes`,
    );
    expect(refused('r.csv', Buffer.from(`${HEADER}\n${'\n'.repeat(RETURN_FILE_MAX_LINES + 1)}`))).toBe(
      `more than ${RETURN_FILE_MAX_LINES} lines`,
    );
    expect(refused('r.csv', Buffer.from([0xc3, 0x28]))).toBe('not UTF-8 text');
    expect(refused('r.json', Buffer.from('{"a":'))).toBe('not valid JSON');
    expect(refused('r.json', Buffer.from('{}'))).toBe('JSON must be an array of entries');
    expect(refused('r.csv', Buffer.from(`${ID},3SABC123,delivered,2026-12-03`))).toMatch(
      /^line 1 must be the header/,
    );
    expect(refused('r.xml', Buffer.from('<x/>'))).toBe('the name must end in .csv or .json');
  });
});
