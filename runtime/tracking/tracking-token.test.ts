import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signTrackingToken, verifyTrackingToken } from './tracking-token.js';

const secret = 'unit-secret';
const messageId = '5b0e2c1a-9f3d-4e8b-a1c2-3d4e5f607182';
const now = new Date('2026-11-22T10:00:00Z');
const later = new Date('2027-05-22T10:00:00Z');

describe('tracking tokens', () => {
  it('a click token carries the message, the target and the expiry, and nothing else', () => {
    const target = 'https://betalen.example/p/abc?x=1&y=2';
    const token = signTrackingToken(secret, { messageId, kind: 'click', target, expiresAt: later });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyTrackingToken(secret, token, 'click', now)).toEqual({
      messageId,
      kind: 'click',
      target,
      expiresAt: later,
    });
    const payload = Buffer.from(token, 'base64url');
    expect(payload.length).toBe(1 + 1 + 4 + 16 + 16 + Buffer.byteLength(target) + 16);
  });

  it('a click token does not give away the link it leads to (a payment token, say) without the secret', () => {
    const link = 'https://betalen.example/p/Zq3kW9xT2mLr8VbN4cHy7dFp';
    const token = signTrackingToken(secret, { messageId, kind: 'click', target: link, expiresAt: later });
    const bytes = Buffer.from(token, 'base64url');
    expect(bytes.includes(Buffer.from('Zq3kW9xT2mLr8VbN4cHy7dFp'))).toBe(false);
    expect(bytes.includes(Buffer.from('betalen.example'))).toBe(false);
    const other = signTrackingToken(secret, {
      messageId,
      kind: 'click',
      target: 'https://betalen.example/f/AAAAAAAAAAAAAAAAAAAAAAAA',
      expiresAt: later,
    });
    expect(Buffer.from(other, 'base64url').subarray(22, 38)).not.toEqual(bytes.subarray(22, 38));
  });

  it('a version 1 token (target in clear) in a mail sent before still verifies', () => {
    const target = 'https://a.example/x';
    const payload = Buffer.concat([
      Buffer.from([1, 2]),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from(messageId.replace(/-/g, ''), 'hex'),
      Buffer.from(target),
    ]);
    payload.writeUInt32BE(Math.floor(later.getTime() / 1000), 2);
    const mac = createHmac('sha256', secret).update('outputstraat-tracking').update(payload).digest();
    const token = Buffer.concat([payload, mac.subarray(0, 16)]).toString('base64url');
    expect(verifyTrackingToken(secret, token, 'click', now)?.target).toBe(target);
  });

  it('is refused when expired, altered, signed with another key or used as the other kind', () => {
    const token = signTrackingToken(secret, {
      messageId,
      kind: 'click',
      target: 'https://a.example/',
      expiresAt: later,
    });
    expect(verifyTrackingToken(secret, token, 'click', new Date(later.getTime() + 1))).toBeUndefined();
    expect(verifyTrackingToken('other', token, 'click', now)).toBeUndefined();
    expect(verifyTrackingToken(secret, token, 'open', now)).toBeUndefined();
    const raw = Buffer.from(token, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const altered = Buffer.from(raw);
      altered[i] = altered[i]! ^ 0x01;
      expect(verifyTrackingToken(secret, altered.toString('base64url'), 'click', now)).toBeUndefined();
    }
    expect(verifyTrackingToken(secret, 'short', 'click', now)).toBeUndefined();
    expect(verifyTrackingToken(secret, 'not/base64url!', 'click', now)).toBeUndefined();
  });

  it('an open token has no target', () => {
    const token = signTrackingToken(secret, { messageId, kind: 'open', target: 'ignored', expiresAt: later });
    expect(verifyTrackingToken(secret, token, 'open', now)?.target).toBe('');
  });
});
