import { describe, expect, it } from 'vitest';
import { validateDebtorPatch } from './debtor-patch.js';
import { allDisputed, disputedItems, isFrozen, sendRefusal, statusEvents } from './statuses.js';

const NOW = new Date('2026-12-02T12:00:00Z');

describe('debtor statuses', () => {
  it('a freeze is in effect from its start until (not including) its end', () => {
    const a = { kind: 'moratorium' as const, from: '2026-12-01', until: '2026-12-03' };
    expect(isFrozen({ debtAssistance: a }, NOW)).toBe(true);
    expect(isFrozen({ debtAssistance: a }, new Date('2026-12-03T00:00:00Z'))).toBe(false);
    expect(isFrozen({ debtAssistance: { ...a, from: '2026-12-03' } }, NOW)).toBe(false);
    expect(isFrozen({ debtAssistance: { kind: 'wsnp', from: '2026-01-01' } }, NOW)).toBe(true);
  });

  it('disputed items leave the total; a dossier is held only when all of its open items are disputed', () => {
    const s = { dispute: { externalIds: ['A', 'C'] } };
    expect(disputedItems(s, ['A', 'B', 'C'])).toEqual(['A', 'C']);
    expect(allDisputed(s, ['A', 'B'])).toBe(false);
    expect(allDisputed(s, ['A'])).toBe(true);
    expect(allDisputed(s, [])).toBe(false);
  });

  it('a change of statuses becomes the engine events of one dossier', () => {
    expect(statusEvents({}, { deceased: { date: '2026-12-01' } }, ['A'])).toEqual([{ type: 'deceased' }]);
    expect(
      statusEvents({}, { debtAssistance: { kind: 'wsnp', from: '2026-12-01', until: '2027-12-01' } }, ['A']),
    ).toEqual([{ type: 'frozen', kind: 'wsnp', from: '2026-12-01', until: '2027-12-01T00:00:00.000Z' }]);
    expect(statusEvents({ debtAssistance: { kind: 'wsnp', from: '2026-12-01' } }, {}, ['A'])).toEqual([
      { type: 'unfrozen' },
    ]);
    expect(statusEvents({}, { dispute: { externalIds: ['A'] } }, ['A'])).toEqual([{ type: 'disputed' }]);
    expect(statusEvents({}, { dispute: { externalIds: ['A'] } }, ['A', 'B'])).toEqual([]);
    expect(statusEvents({ dispute: { externalIds: ['A'] } }, {}, ['A'])).toEqual([{ type: 'undisputed' }]);
  });

  it('the send gate refuses deceased, frozen and opted-out channels, and holds only a freeze', () => {
    expect(sendRefusal({ deceased: { date: '2026-12-01' } }, [], 'email', NOW)).toEqual({
      hold: false,
      reason: 'the debtor is deceased',
    });
    expect(
      sendRefusal({ debtAssistance: { kind: 'debt-assistance', from: '2026-11-01' } }, [], 'email', NOW),
    ).toEqual({
      hold: true,
      reason: 'held: debt-assistance of the debtor',
    });
    expect(sendRefusal({}, ['sms'], 'sms', NOW)?.reason).toBe('the debtor opted out of sms');
    expect(sendRefusal({}, ['sms'], 'email', NOW)).toBeUndefined();
  });

  it('of a deceased debtor only the estate letter passes: not by email, not without the estate mark', () => {
    const deceased = { deceased: { date: '2026-12-01' } };
    expect(sendRefusal(deceased, [], 'letter', NOW, true)).toBeUndefined();
    expect(sendRefusal(deceased, [], 'letter', NOW)?.reason).toBe('the debtor is deceased');
    expect(sendRefusal(deceased, [], 'email', NOW, true)?.reason).toBe('the debtor is deceased');
    expect(sendRefusal({}, [], 'letter', NOW, true)?.reason).toBe(
      'a letter to the estate is only for a deceased debtor',
    );
  });

  it('a patch names the field it refuses', () => {
    const bad = (body: unknown) => {
      const r = validateDebtorPatch(body);
      return r.ok ? [] : r.errors.map((e) => e.field);
    };
    expect(bad({})).toEqual(['(body)']);
    expect(bad({ contact: { email: 'not an address' } })).toContain('contact.email');
    expect(bad({ debtAssistance: { kind: 'wsnp', from: '2026-12-01', until: '2026-11-01' } })).toEqual([
      'debtAssistance.until',
    ]);
    expect(bad({ debtAssistance: { kind: 'holiday', from: '2026-12-01' } })).toContain('debtAssistance.kind');
    expect(bad({ optOuts: { set: ['pigeon'] } })).toContain('optOuts.set[0]');
    expect(bad({ optOuts: { set: ['sms'], clear: ['sms'] } })).toEqual(['optOuts.clear']);
    expect(bad({ dispute: { externalIds: [] } })).toContain('dispute.externalIds');
    expect(validateDebtorPatch({ deceased: null, optOuts: { set: ['sms'] } }).ok).toBe(true);
  });
});
