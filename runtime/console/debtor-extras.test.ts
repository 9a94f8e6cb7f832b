// The console's status form becomes the same debtor patch the ERP sends to PATCH /v1/debtors/{debtorId},
// checked by the same validator; anything else is refused naming the field.
import { describe, expect, it } from 'vitest';
import { validateDebtorPatch } from '../../core/debtors/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import { statusLines, statusPatchOf } from './debtor-extras.js';

const refusedField = (form: Record<string, unknown>) => {
  try {
    const patch = statusPatchOf(form);
    const checked = validateDebtorPatch(patch);
    return checked.ok ? undefined : checked.errors.map((e) => e.field);
  } catch (err) {
    if (!isOutputstraatError(err)) throw err;
    return ((err as { details?: { errors?: { field: string }[] } }).details?.errors ?? []).map(
      (e) => e.field,
    );
  }
};

describe('the status form', () => {
  it('sets debt assistance with its end, as the ERP would', () => {
    const patch = statusPatchOf({
      status: 'debtAssistance',
      kind: 'wsnp',
      date: '2026-12-01',
      until: '2027-06-01',
    });
    expect(patch).toEqual({ debtAssistance: { kind: 'wsnp', from: '2026-12-01', until: '2027-06-01' } });
    expect(validateDebtorPatch(patch).ok).toBe(true);
  });

  it('sets deceased and a dispute; clears a status or an opt-out with null or optOuts.clear', () => {
    expect(statusPatchOf({ status: 'deceased', date: '2026-11-30' })).toEqual({
      deceased: { date: '2026-11-30', source: 'console' },
    });
    expect(statusPatchOf({ status: 'dispute', externalId: 'WN-1', note: 'klopt niet' })).toEqual({
      dispute: { externalIds: ['WN-1'], note: 'klopt niet' },
    });
    expect(statusPatchOf({ clear: 'dispute' })).toEqual({ dispute: null });
    expect(statusPatchOf({ clear: 'optOut:sms' })).toEqual({ optOuts: { clear: ['sms'] } });
  });

  it('refuses what PATCH /v1/debtors refuses, naming the field', () => {
    expect(
      refusedField({ status: 'debtAssistance', kind: 'wsnp', date: '2027-01-01', until: '2026-01-01' }),
    ).toEqual(['debtAssistance.until']);
    expect(refusedField({ status: 'deceased', date: 'gisteren' })).toContain('deceased.date');
    expect(refusedField({ status: 'married' })).toEqual(['status']);
    expect(refusedField({ clear: 'optOut:fax' })).toEqual(['clear']);
  });

  it('describes the statuses in words', () => {
    expect(
      statusLines('nl', {
        statuses: { debtAssistance: { kind: 'wsnp', from: '2026-12-01', until: '2027-06-01' } },
      }),
    ).toEqual(['Schuldhulpverlening (wsnp) sinds 2026-12-01 tot 2027-06-01']);
    expect(statusLines('en', { statuses: { deceased: { date: '2026-11-30' } } })).toEqual([
      'Deceased (2026-11-30)',
    ]);
  });
});
