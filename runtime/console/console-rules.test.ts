import { describe, expect, it } from 'vitest';
import type { BundleConsole } from '../../core/bundle/types.js';
import { euroCents } from './actions.js';
import { marksOf } from './debtor-picture.js';
import { roleOf } from './oidc-login.js';
import { csrfMatches } from './sessions.js';

const c = {
  roles: { viewer: ['callcentre'], agent: ['collections'], admin: ['admins'] },
} as unknown as BundleConsole;

describe('roleOf', () => {
  it('gives the highest role of any group, and none for groups that are not listed or not strings', () => {
    expect(roleOf(c, ['callcentre'])).toBe('viewer');
    expect(roleOf(c, ['callcentre', 'collections'])).toBe('agent');
    expect(roleOf(c, ['admins', 'callcentre'])).toBe('admin');
    expect(roleOf(c, ['other'])).toBeUndefined();
    expect(roleOf(c, 'admins')).toBeUndefined();
    expect(roleOf(c, [{ admins: true }, 7])).toBeUndefined();
    expect(roleOf(c, undefined)).toBeUndefined();
  });
});

describe('euroCents', () => {
  it('reads euros as staff type them, and nothing else', () => {
    expect(euroCents('101')).toBe(10100);
    expect(euroCents('101,5')).toBe(10150);
    expect(euroCents(' 12.05 ')).toBe(1205);
    for (const bad of ['', '-5', '1,234', '1e3', '12,345', 'twaalf', '99999999']) {
      expect(euroCents(bad), bad).toBeUndefined();
    }
  });
});

describe('csrfMatches', () => {
  const session = { corporation: 'x', subject: 's', name: null, role: 'agent' as const, csrf: 'abc123' };
  it('accepts the session token only', () => {
    expect(csrfMatches(session, 'abc123')).toBe(true);
    expect(csrfMatches(session, 'abc124')).toBe(false);
    expect(csrfMatches(session, 'abc')).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, ['abc123'])).toBe(false);
  });
});

describe('marksOf', () => {
  const message = (statuses: string[], sentAt: string | null, receivable = 'R-1') =>
    ({ history: statuses.map((status) => ({ status })), sentAt, receivable }) as never;
  it('shows only what the history holds, in a fixed order; paid when its receivable is paid', () => {
    expect(
      marksOf(message(['sending', 'sent', 'clicked', 'opened'], '2026-12-01T10:00:00Z'), new Set()),
    ).toEqual(['sent', 'opened', 'clicked']);
    expect(marksOf(message(['sending', 'failed'], null), new Set(['R-1']))).toEqual(['failed', 'paid']);
    expect(marksOf(message(['sending'], null), new Set())).toEqual([]);
  });
});
