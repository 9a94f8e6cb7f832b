// Quoted-printable for an email's text parts, the same characters nodemailer's `qp.wrap(qp.encode(text), 76)`
// makes (quoted-printable.test.ts compares them for any text), in half its time or less: nodemailer converts the
// whole text to UTF-8 bytes before it tests each, then wraps with a few regular expressions and substrings a
// line — together about a quarter of the dispatch pod's MIME build in the bench (docs/operations.md,
// "Capacity"). Here each character is read once from the text as it is and its bytes written to one buffer, and
// lines are found by index. An email's parts are text, so only a string is taken.

const LINE = 76;
/** nodemailer's margin: a soft break looks for a space or a line break within the last third of a line. */
const MARGIN = Math.floor(LINE / 3);

const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70]; // 0-9A-F

/** ASCII written as it is (RFC 2045 6.7): tab, LF, CR, space to `<` and `>` to `~` — not `=`. */
const LITERAL = new Uint8Array(128).map((_, c) =>
  c === 9 || c === 10 || c === 13 || (c >= 32 && c <= 126 && c !== 61) ? 1 : 0,
);

/** Where the encoded bytes of a text of up to 7,281 characters are written before they become a string. */
const scratch = Buffer.allocUnsafe(64 * 1024);

/** The text's UTF-8 bytes, quoted-printable, not yet wrapped (nodemailer's `qp.encode`). */
export function qpEncode(text: string): string {
  const n = text.length;
  // a UTF-16 unit is at most 3 bytes of UTF-8, 9 characters escaped; a longer text gets a buffer of its own
  const out = n * 9 <= scratch.length ? scratch : Buffer.allocUnsafe(n * 9);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      // a space or tab that ends a line, or the text, is escaped so no transport strips it
      if (LITERAL[c] === 1 && !((c === 32 || c === 9) && (i + 1 === n || isLineEnd(text.charCodeAt(i + 1)))))
        out[o++] = c;
      else o = put(out, o, c);
    } else if (c < 0x800) {
      o = put(out, o, 0xc0 | (c >> 6));
      o = put(out, o, 0x80 | (c & 63));
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00) + 0x10000;
      o = put(out, o, 0xf0 | (cp >> 18));
      o = put(out, o, 0x80 | ((cp >> 12) & 63));
      o = put(out, o, 0x80 | ((cp >> 6) & 63));
      o = put(out, o, 0x80 | (cp & 63));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // a lone surrogate is U+FFFD in UTF-8, as Buffer writes it
      o = put(out, o, 0xef);
      o = put(out, o, 0xbf);
      o = put(out, o, 0xbd);
    } else {
      o = put(out, o, 0xe0 | (c >> 12));
      o = put(out, o, 0x80 | ((c >> 6) & 63));
      o = put(out, o, 0x80 | (c & 63));
    }
  }
  return out.toString('latin1', 0, o);
}

/** Writes `=XX` for byte b at o; returns the next position. */
function put(out: Buffer, o: number, b: number): number {
  out[o] = 61;
  out[o + 1] = HEX[b >> 4] as number;
  out[o + 2] = HEX[b & 15] as number;
  return o + 3;
}

const isLineEnd = (c: number) => c === 10 || c === 13;
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexValue = (c: number) => (c <= 57 ? c - 48 : (c | 32) - 87);
const isBreak = (c: number) => c === 32 || c === 9 || c === 46 || c === 44 || c === 33 || c === 63;

/** Whether s[start, end) ends with `=XX` (the hex in either case). */
function endsWithEscape(s: string, start: number, end: number): boolean {
  return (
    end - start >= 3 &&
    s.charCodeAt(end - 3) === 61 &&
    isHex(s.charCodeAt(end - 2)) &&
    isHex(s.charCodeAt(end - 1))
  );
}

/** Whether s[start, end) is one to four `=XX` and nothing else. */
function onlyEscapes(s: string, start: number, end: number): boolean {
  const length = end - start;
  if (length % 3 !== 0 || length < 3 || length > 12) return false;
  for (let k = start; k < end; k += 3) if (!endsWithEscape(s, k, k + 3)) return false;
  return true;
}

/** Soft line breaks (`=` CRLF) so no line passes 76 characters (nodemailer's `qp.wrap(encoded, 76)`). */
export function qpWrap(encoded: string): string {
  const len = encoded.length;
  if (len <= LINE) return encoded;
  let result = '';
  let pos = 0;
  let crlfAt = -2; // the next CRLF at or after pos (-1: none left)
  while (pos < len) {
    const end = Math.min(pos + LINE, len);
    if (crlfAt !== -1 && crlfAt < pos) crlfAt = encoded.indexOf('\r\n', pos);
    // a hard line break within the line ends it
    if (crlfAt !== -1 && crlfAt + 2 <= end) {
      result += encoded.slice(pos, crlfAt + 2);
      pos = crlfAt + 2;
      continue;
    }
    if (encoded.charCodeAt(end - 1) === 10) {
      result += encoded.slice(pos, end);
      pos = end;
      continue;
    }
    // a LF within the last third, with no CR after it, ends the line there
    const tail = Math.max(pos, end - MARGIN);
    let lf = end - 1;
    while (lf >= tail && encoded.charCodeAt(lf) !== 10) lf--;
    if (lf >= tail) {
      let cr = false;
      for (let k = lf + 1; k < end; k++) if (encoded.charCodeAt(k) === 13) cr = true;
      if (!cr) {
        result += encoded.slice(pos, lf + 1);
        pos = lf + 1;
        continue;
      }
    }
    let lineEnd = end;
    let space = -1;
    if (end - pos > LINE - MARGIN) {
      for (let k = end - 1; k >= tail; k--)
        if (isBreak(encoded.charCodeAt(k))) {
          space = k;
          break;
        }
    }
    if (space !== -1) {
      lineEnd = space + 1; // after the last space or punctuation in the last third
    } else if (endsInEscapeStart(encoded, pos, end)) {
      // an escape is never split: '=' or '=X' at the end goes to the next line
      const last = encoded.charCodeAt(end - 1);
      if (last === 61) lineEnd = end - 1;
      else if (end - pos >= 2 && encoded.charCodeAt(end - 2) === 61 && isHex(last)) lineEnd = end - 2;
      // nor a character's UTF-8 bytes: its continuation bytes (0x80–0xBF) and its lead byte (0xC0 and up) go too
      while (
        lineEnd - pos > 3 &&
        lineEnd < len &&
        !onlyEscapes(encoded, pos, lineEnd) &&
        endsWithEscape(encoded, pos, lineEnd)
      ) {
        const code =
          hexValue(encoded.charCodeAt(lineEnd - 2)) * 16 + hexValue(encoded.charCodeAt(lineEnd - 1));
        if (code < 128) break;
        lineEnd -= 3;
        if (code >= 0xc0) break;
      }
    }
    if (lineEnd === pos) lineEnd = end; // only an escape cut short at the very end: taken as it is
    if (lineEnd < len && encoded.charCodeAt(lineEnd - 1) !== 10) {
      if (lineEnd - pos === LINE) lineEnd -= endsWithEscape(encoded, pos, lineEnd) ? 3 : 1;
      result += `${encoded.slice(pos, lineEnd)}=\r\n`;
    } else {
      result += encoded.slice(pos, lineEnd);
    }
    pos = lineEnd;
  }
  return result;
}

/** Whether s[start, end) ends with `=`, `=X` or `=XX`. */
function endsInEscapeStart(s: string, start: number, end: number): boolean {
  const n = end - start;
  const c1 = s.charCodeAt(end - 1);
  if (c1 === 61) return true;
  if (n >= 2 && s.charCodeAt(end - 2) === 61 && isHex(c1)) return true;
  return endsWithEscape(s, start, end);
}
