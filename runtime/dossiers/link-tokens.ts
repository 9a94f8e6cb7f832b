// Link tokens: the secret part of a payment or form link. The database keeps only a token's SHA-256 and
// finds a link by it. A link made by this runtime is "derived": its token is the first 18 bytes (144
// bits) of HMAC-SHA256(OST_LINK_SECRET, link id) in base64url, so a later message of the same receivable
// can show the same link again, recomputed from the id. Links made before tokens were hashed ("legacy",
// migration 009) keep working by their hash but cannot be recomputed, so they are never shown again.
// A token is never logged: code that must name a link uses its id.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createError } from '../../core/errors/index.js';

/** 18 bytes: 144 bits of HMAC output, 24 base64url characters (the length links always had). */
const TOKEN_BYTES = 18;
const MIN_SECRET_LENGTH = 32;
const DOMAIN = 'outputstraat-link-token:';
const REPLY_DOMAIN = 'outputstraat-reply-token:';

/** SHA-256 of a token: what `links.token_sha256` holds and every lookup uses. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The columns needed to tell whether a link's token can be recomputed. */
export interface LinkKeyRow {
  id: string;
  token_sha256: Buffer | Uint8Array;
  derived: boolean;
}

export class LinkTokens {
  private constructor(private readonly secret: string) {}

  /** OST_LINK_SECRET, checked: every replica must have the same value of at least 32 characters. */
  static fromSecret(secret: string | undefined): LinkTokens {
    if (!secret) {
      throw createError('OST_ERR_CONFIG', [
        'OST_LINK_SECRET is not set',
        'set it to 32 or more random characters (openssl rand -base64 32), the same on every replica, from a Secret',
      ]);
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw createError('OST_ERR_CONFIG', [
        `OST_LINK_SECRET has ${secret.length} characters, fewer than ${MIN_SECRET_LENGTH}`,
        'use 32 or more random characters, e.g. openssl rand -base64 32',
      ]);
    }
    return new LinkTokens(secret);
  }

  /** The token of the derived link with this id. */
  tokenOf(linkId: string): string {
    return createHmac('sha256', this.secret)
      .update(DOMAIN)
      .update(linkId)
      .digest()
      .subarray(0, TOKEN_BYTES)
      .toString('base64url');
  }

  /**
   * The token of a message's reply address (`reply+<token>@<reply domain>`): 128 bits of
   * HMAC-SHA256(OST_LINK_SECRET, "outputstraat-reply-token:" || message id) in lower-case hex, so a mail
   * server that folds the local part's case still delivers it. Stored only as its SHA-256 (tokenHash).
   */
  replyTokenOf(messageId: string): string {
    return createHmac('sha256', this.secret)
      .update(REPLY_DOMAIN)
      .update(messageId)
      .digest()
      .subarray(0, 16)
      .toString('hex');
  }

  /**
   * The token of a stored link when this runtime can recompute it: a derived link whose stored hash
   * matches (it does not after OST_LINK_SECRET changed). Undefined for legacy links.
   */
  tokenFor(row: LinkKeyRow): string | undefined {
    if (!row.derived) return undefined;
    const token = this.tokenOf(row.id);
    const stored = Buffer.from(row.token_sha256);
    const hash = tokenHash(token);
    return stored.length === hash.length && timingSafeEqual(stored, hash) ? token : undefined;
  }
}
