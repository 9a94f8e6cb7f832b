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
    expect(payload.length).toBe(1 + 1 + 4 + 16 + Buffer.byteLength(target) + 16);
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
