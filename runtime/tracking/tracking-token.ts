// Signed, expiring tracking tokens: `/t/o/<token>` (open pixel) and `/t/c/<token>` (click redirect).
// A token is base64url of: version (1 byte) | kind (1) | expiry in Unix seconds (4) | message id (16,
// the UUID's bytes) | target URL (UTF-8, clicks only) | HMAC-SHA256 of all that, first 16 bytes.
// It carries no debtor data; the target is a link the message itself contained.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TrackingKind = 'open' | 'click';

export interface TrackingClaim {
  messageId: string;
  kind: TrackingKind;
  /** The link a click redirects to; empty for opens. */
  target: string;
  expiresAt: Date;
}

const VERSION = 1;
const KIND_BYTE: Record<TrackingKind, number> = { open: 1, click: 2 };
const MAC_BYTES = 16;
const HEADER_BYTES = 1 + 1 + 4 + 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: string, payload: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update('outputstraat-tracking')
    .update(payload)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function signTrackingToken(secret: string, claim: TrackingClaim): string {
  if (!UUID.test(claim.messageId)) throw new TypeError(`message id ${claim.messageId} is not a UUID`);
  const target = Buffer.from(claim.kind === 'click' ? claim.target : '', 'utf8');
  const payload = Buffer.alloc(HEADER_BYTES + target.length);
  payload.writeUInt8(VERSION, 0);
  payload.writeUInt8(KIND_BYTE[claim.kind], 1);
  payload.writeUInt32BE(Math.floor(claim.expiresAt.getTime() / 1000), 2);
  Buffer.from(claim.messageId.replace(/-/g, ''), 'hex').copy(payload, 6);
  target.copy(payload, HEADER_BYTES);
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
  if (payload.readUInt8(0) !== VERSION || payload.readUInt8(1) !== KIND_BYTE[kind]) return undefined;
  const expiresAt = new Date(payload.readUInt32BE(2) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return undefined;
  const hex = payload.subarray(6, 22).toString('hex');
  const messageId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { messageId, kind, target: payload.subarray(HEADER_BYTES).toString('utf8'), expiresAt };
}
