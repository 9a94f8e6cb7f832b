import { describe, expect, it } from 'vitest';
import { linkSeal, placeholderOf } from './link-seal.js';

const token = 'Zq3kW9xT2mLr8VbN4cHy7dFp';
const placeholder = placeholderOf('0b9d8a56-3f0e-4a53-9d1e-6f2c1f7d2a10');
const seal = linkSeal([{ token, placeholder }]);

describe('sealed message content', () => {
  it('names a link by a placeholder of the same length and alphabet', () => {
    expect(placeholder).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(placeholder).not.toBe(token);
    const text = `Betaal € 620,79: https://betalen.example/p/${token}?lang=nl en ${token}.`;
    const sealed = seal.seal(text);
    expect(sealed).not.toContain(token);
    expect(sealed).toHaveLength(text.length);
    expect(seal.unseal(sealed)).toBe(text);
  });

  it('finds a token that a quoted-printable soft line break splits, and keeps the break where it was', () => {
    const raw = `Content-Transfer-Encoding: quoted-printable\r\n\r\nBetaal =E2=82=AC 620,79: https://betalen.example/p/${token.slice(0, 9)}=\r\n${token.slice(9)}\r\n`;
    const sealed = seal.sealBytes(Buffer.from(raw, 'latin1'));
    expect(sealed.toString('latin1')).not.toContain(token.slice(0, 9));
    expect(sealed.toString('latin1')).toContain(`${placeholder.slice(0, 9)}=\r\n${placeholder.slice(9)}`);
    expect(seal.unsealBytes(sealed).toString('latin1')).toBe(raw);
  });

  it('finds a split token at every split point, after LF or CRLF, next to whole copies and other soft breaks', () => {
    for (let head = 1; head < token.length; head++) {
      for (const eol of ['\r\n', '\n']) {
        const raw = `a=3Db ${token} =${eol}x/p/${token.slice(0, head)}=${eol}${token.slice(head)} c=${eol}d=`;
        const sealed = seal.seal(raw);
        expect(sealed).toBe(
          `a=3Db ${placeholder} =${eol}x/p/${placeholder.slice(0, head)}=${eol}${placeholder.slice(head)} c=${eol}d=`,
        );
        expect(seal.unseal(sealed)).toBe(raw);
      }
    }
  });

  it('seals inside a base64 MIME body without changing its line layout', () => {
    const text = `Платіть тут: https://betalen.example/p/${token} — дякуємо, Woonstichting Noord. `.repeat(3);
    const b64 = Buffer.from(text, 'utf8').toString('base64');
    const body = b64.match(/.{1,76}/g)!.join('\r\n');
    const raw = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--b--\r\n`;
    const sealed = seal.sealBytes(Buffer.from(raw, 'latin1')).toString('latin1');
    const decoded = Buffer.from(sealed.split('\r\n\r\n')[1]!.split('--b--')[0]!, 'base64').toString('utf8');
    expect(decoded).not.toContain(token);
    expect(decoded).toContain(placeholder);
    expect(sealed.split('\r\n').map((l) => l.length)).toEqual(raw.split('\r\n').map((l) => l.length));
    expect(seal.unsealBytes(Buffer.from(sealed, 'latin1')).toString('latin1')).toBe(raw);
  });

  it('round-trips JSON content and leaves text without tokens alone', () => {
    const content = { text: `Pay: https://x.example/f/${token}`, locale: 'en' };
    const stored = seal.sealJson(content);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(seal.unsealJson(stored)).toEqual(content);
    expect(seal.seal('nothing to see')).toBe('nothing to see');
    expect(linkSeal([]).seal(`a ${token}`)).toBe(`a ${token}`);
  });
});
