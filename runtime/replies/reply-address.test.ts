import { describe, expect, it } from 'vitest';
import { LinkTokens, tokenHash } from '../dossiers/index.js';
import { replyAddressOf, replyTokenIn } from './reply-address.js';

const links = LinkTokens.fromSecret('reply-address-test-secret-0123456789abcdef');
const other = LinkTokens.fromSecret('another-street-secret-0123456789abcdefghij');
const id = '0193a7e0-1111-7000-8000-000000000001';

describe('reply addresses', () => {
  it('carry 128 bits derived from the message id, in lower-case hex, never the id itself', () => {
    const address = replyAddressOf(links, id, 'replies.street.example');
    expect(address).toMatch(/^reply\+[0-9a-f]{32}@replies\.street\.example$/);
    expect(address).not.toContain(id.replaceAll('-', '').slice(0, 8));
    expect(replyAddressOf(links, id, 'replies.street.example')).toBe(address);
    expect(other.replyTokenOf(id)).not.toBe(links.replyTokenOf(id));
    // Not a link token of the same id: another purpose, another value.
    expect(links.replyTokenOf(id)).not.toBe(links.tokenOf(id));
    expect(tokenHash(links.replyTokenOf(id))).toHaveLength(32);
  });

  it('are read back only on the reply domain, case-insensitively, with a well-formed token', () => {
    const token = links.replyTokenOf(id);
    expect(replyTokenIn(`reply+${token}@replies.street.example`, 'replies.street.example')).toBe(token);
    expect(
      replyTokenIn(`REPLY+${token.toUpperCase()}@Replies.Street.Example`, 'replies.street.example'),
    ).toBe(token);
    for (const address of [
      `reply+${token}@elsewhere.example`,
      `reply+${token}@replies.street.example.evil.example`,
      `reply-${token}@replies.street.example`,
      `reply+${token.slice(1)}@replies.street.example`,
      `reply+${token}x@replies.street.example`,
      `reply+../${token}@replies.street.example`,
      'postmaster@replies.street.example',
      `reply+${token}`,
      '',
    ]) {
      expect(replyTokenIn(address, 'replies.street.example'), address).toBeUndefined();
    }
  });
});
