import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { LinkTokens, tokenHash } from './link-tokens.js';

const SECRET = 'unit-test-link-secret-0123456789abcdef';
const ID = '0b9d8a56-3f0e-4a53-9d1e-6f2c1f7d2a10';

describe('link tokens', () => {
  it('are 144 bits in 24 URL-safe characters, the same for the same link and secret', () => {
    const links = LinkTokens.fromSecret(SECRET);
    const token = links.tokenOf(ID);
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(18);
    expect(LinkTokens.fromSecret(SECRET).tokenOf(ID)).toBe(token);
    expect(links.tokenOf('1b9d8a56-3f0e-4a53-9d1e-6f2c1f7d2a10')).not.toBe(token);
    expect(LinkTokens.fromSecret(`${SECRET}x`).tokenOf(ID)).not.toBe(token);
  });

  it('are recomputed only for derived links whose stored hash matches', () => {
    const links = LinkTokens.fromSecret(SECRET);
    const token = links.tokenOf(ID);
    expect(links.tokenFor({ id: ID, token_sha256: tokenHash(token), derived: true })).toBe(token);
    // A legacy link: random token, only its hash is known.
    const legacy = tokenHash(randomBytes(18).toString('base64url'));
    expect(links.tokenFor({ id: ID, token_sha256: legacy, derived: false })).toBeUndefined();
    // Made with another secret (OST_LINK_SECRET changed): not recomputable, so not shown again.
    const other = LinkTokens.fromSecret(`${SECRET}-rotated`);
    expect(other.tokenFor({ id: ID, token_sha256: tokenHash(token), derived: true })).toBeUndefined();
  });

  it('refuse to start without a secret of at least 32 characters, saying what to set', () => {
    for (const secret of [undefined, '', 'short']) {
      try {
        LinkTokens.fromSecret(secret);
        expect.unreachable();
      } catch (err) {
        expect(isOutputstraatError(err, 'OST_ERR_CONFIG')).toBe(true);
        expect((err as Error).message).toContain('OST_LINK_SECRET');
      }
    }
  });

  it('hash as SHA-256 of the token text', () => {
    expect(tokenHash('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
