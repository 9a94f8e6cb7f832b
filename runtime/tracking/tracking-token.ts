// Signed, expiring tracking tokens: `/t/o/<token>` (open pixel) and `/t/c/<token>` (click redirect).
// A token is base64url of: version (1 byte) | kind (1) | expiry in Unix seconds (4) | message id (16,
// the UUID's bytes) | for clicks: IV (16) and the target URL encrypted (AES-256-CTR) | HMAC-SHA256 of all
// that, first 16 bytes. The target is encrypted because it is often a payment or form link: a token in an
// archived or forwarded mail must not give the link token away to whoever decodes it (version 1 carried
// the target in clear; such tokens in mails already sent still verify). It carries no debtor data.
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

export type TrackingKind = 'open' | 'click';

export interface TrackingClaim {
  messageId: string;
  kind: TrackingKind;
  /** The link a click redirects to; empty for opens. */
  target: string;
  expiresAt: Date;
}

/** Version 1: the target in clear (accepted, no longer made). Version 2: the target encrypted. */
const VERSION = 2;
const KIND_BYTE: Record<TrackingKind, number> = { open: 1, click: 2 };
const MAC_BYTES = 16;
const IV_BYTES = 16;
const HEADER_BYTES = 1 + 1 + 4 + 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: string, payload: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update('outputstraat-tracking')
    .update(payload)
    .digest()
    .subarray(0, MAC_BYTES);
}

const cipherKey = (secret: string) =>
  createHmac('sha256', secret).update('outputstraat-tracking-target').digest();

/** The IV is derived from the header and the target (a synthetic IV): never reused for another target. */
function encryptTarget(secret: string, header: Buffer, target: Buffer): Buffer {
  const key = cipherKey(secret);
  const iv = createHmac('sha256', key).update(header).update(target).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([iv, cipher.update(target), cipher.final()]);
}

function decryptTarget(secret: string, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-ctr', cipherKey(secret), sealed.subarray(0, IV_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES)), decipher.final()]);
}

export function signTrackingToken(secret: string, claim: TrackingClaim): string {
  if (!UUID.test(claim.messageId)) throw new TypeError(`message id ${claim.messageId} is not a UUID`);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(VERSION, 0);
  header.writeUInt8(KIND_BYTE[claim.kind], 1);
  header.writeUInt32BE(Math.floor(claim.expiresAt.getTime() / 1000), 2);
  Buffer.from(claim.messageId.replace(/-/g, ''), 'hex').copy(header, 6);
  const target =
    claim.kind === 'click'
      ? encryptTarget(secret, header, Buffer.from(claim.target, 'utf8'))
      : Buffer.alloc(0);
  const payload = Buffer.concat([header, target]);
  return Buffer.concat([payload, mac(secret, payload)]).toString('base64url');
}

/** The claim of a genuine, unexpired token of `kind`; undefined for anything forged, altered or expired. */
export function verifyTrackingToken(
  secret: string,
  token: string,
  kind: TrackingKind,
  now: Date,
): TrackingClaim | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length > 4096) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < HEADER_BYTES + MAC_BYTES) return undefined;
  const payload = raw.subarray(0, raw.length - MAC_BYTES);
  const given = raw.subarray(raw.length - MAC_BYTES);
  if (!timingSafeEqual(given, mac(secret, payload))) return undefined;
  const version = payload.readUInt8(0);
  if ((version !== 1 && version !== VERSION) || payload.readUInt8(1) !== KIND_BYTE[kind]) return undefined;
  const expiresAt = new Date(payload.readUInt32BE(2) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return undefined;
  const hex = payload.subarray(6, 22).toString('hex');
  const messageId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const rest = payload.subarray(HEADER_BYTES);
  if (version === VERSION && kind === 'click' && rest.length < IV_BYTES) return undefined;
  const target = version === VERSION && kind === 'click' ? decryptTarget(secret, rest) : rest;
  return { messageId, kind, target: target.toString('utf8'), expiresAt };
}
