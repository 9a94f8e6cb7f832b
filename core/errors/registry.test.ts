import { describe, expect, it } from 'vitest';
import { createError, errorRegistry, isOutputstraatError, OutputstraatError } from './index.js';

describe('error registry', () => {
  it('every code is OST_ERR_*, has an HTTP status and a message, and builds an error', () => {
    for (const [code, spec] of Object.entries(errorRegistry)) {
      expect(code).toMatch(/^OST_ERR_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      const err = createError(code as keyof typeof errorRegistry, ['a', 'b', 'c', 'd', 'e', 'f']);
      expect(err).toBeInstanceOf(OutputstraatError);
      expect(err.code).toBe(code);
      expect(err.message).not.toContain('%s');
    }
  });

  it('keeps the cause and is recognised by code, never by text', () => {
    const cause = new Error('connection refused');
    const err = createError('OST_ERR_DATABASE', ['connection refused'], { cause });
    expect(err.cause).toBe(cause);
    expect(isOutputstraatError(err, 'OST_ERR_DATABASE')).toBe(true);
    expect(isOutputstraatError(err, 'OST_ERR_BUS')).toBe(false);
    expect(isOutputstraatError(new Error('OST_ERR_DATABASE'))).toBe(false);
  });

  it('fills the hint placeholders after the message placeholders', () => {
    const err = createError('OST_ERR_SECRET_MISSING', ['Corporation x/y', 'api', 'key', 'OST_SECRET_X']);
    expect(err.message).toBe(
      'Corporation x/y: secret api key key is not available; create the Secret in the namespace (or set OST_SECRET_X for the local street)',
    );
  });
});
