// qpEncode and qpWrap must make exactly what nodemailer's encoder and wrapper make: the archive describes the
// bytes nodemailer would have sent (mime-bytes.test.ts), and a nodemailer upgrade that changes either fails here.
import fc from 'fast-check';
import * as qp from 'nodemailer/lib/qp';
import { describe, expect, it } from 'vitest';
import { qpEncode, qpWrap } from './quoted-printable.js';

// characters where the rules turn: whitespace before a line end, the escape's '=', hex digits, the soft break's
// punctuation, multi-byte UTF-8 of every length, lone surrogates
const tricky = fc.constantFrom(
  ' ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '=',
  'A',
  'f',
  '3',
  '.',
  ',',
  '!',
  '?',
  'x',
  'é',
  '€',
  '😀',
  '\ud800',
  '\udc00',
  '\u2028',
  '\u0000',
  '\u007f',
  'ÿ',
);
const runOf = (c: string, most: number) => fc.nat(most).map((n) => c.repeat(n));
const texts = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 800 }),
  fc.array(tricky, { maxLength: 400 }).map((parts) => parts.join('')),
  fc
    .array(fc.oneof(tricky, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 90 })), {
      maxLength: 60,
    })
    .map((p) => p.join('')),
  // runs without a break character, so each rule meets the 76th column and the last third's edge
  fc
    .array(fc.oneof(tricky, runOf('x', 80), runOf('é', 30), runOf('=', 30), runOf('€', 20)), {
      maxLength: 40,
    })
    .map((p) => p.join('')),
);

describe('quoted-printable', () => {
  it("encodes any text as nodemailer's qp.encode does", () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(qpEncode(text)).toBe(qp.encode(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("wraps any encoded text as nodemailer's qp.wrap does at 76", () => {
    fc.assert(
      fc.property(texts, (text) => {
        const encoded = qp.encode(text);
        expect(qpWrap(encoded)).toBe(qp.wrap(encoded, 76));
      }),
      { numRuns: 3000 },
    );
  });

  it('wraps any ASCII as nodemailer does, escapes cut anywhere and hex in either case', () => {
    const piece = fc.constantFrom(
      '=',
      '=C3',
      '=A9',
      '=e2',
      '=8',
      '=\r\n',
      'a',
      'F',
      '9',
      ' ',
      '.',
      '\n',
      '\r',
      'xyz',
    );
    const ascii = fc.array(fc.oneof(piece, runOf('x', 80), runOf('=C3', 30)), { maxLength: 120 });
    fc.assert(
      fc.property(ascii, (parts) => {
        const s = parts.join('');
        expect(qpWrap(s)).toBe(qp.wrap(s, 76));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a line of a long word, a long escape run and the end of the text as nodemailer does', () => {
    for (const text of [
      'a'.repeat(2000),
      'é'.repeat(700),
      '😀'.repeat(300),
      `${'x'.repeat(75)} `,
      `${'y'.repeat(74)}=`,
      'a \n'.repeat(50),
      // a LF in the last third with a lone CR after it; a last line of exactly 51 with a space in its last third
      `${'x'.repeat(55)}\n${'x'.repeat(10)}\r${'x'.repeat(20)}`,
      `${'x'.repeat(75)}${'y'.repeat(40)} ${'z'.repeat(10)}`,
      // longer than the shared buffer holds escaped: a buffer of its own
      `${'€'.repeat(8000)} x`,
    ]) {
      expect(qpWrap(qpEncode(text))).toBe(qp.wrap(qp.encode(text), 76));
    }
    expect(qpEncode('')).toBe('');
    expect(qpWrap('')).toBe('');
  });
});
