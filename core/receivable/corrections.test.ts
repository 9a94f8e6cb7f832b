import { describe, expect, it } from 'vitest';
import { canonicalJson, changedFields, isNewer } from './corrections.js';
import type { ReceivableInput } from './schema.js';

const base: ReceivableInput = {
  externalId: 'R-1',
  kind: 'rent',
  amount: 10_000,
  dueDate: '2026-11-01',
  paymentReference: 'PR-1',
  source: 'test',
  currency: 'EUR',
  debtor: { id: 'D-1', name: 'A. Huurder', email: 'a@example.nl' },
};

describe('corrections', () => {
  it('an identical re-post changes nothing, whatever the key order or version marks', () => {
    const reordered = JSON.parse(canonicalJson({ ...base, version: 7 })) as ReceivableInput;
    expect(changedFields(base, reordered)).toEqual([]);
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}',
    );
  });

  it('names the changed fields, the debtor field by field', () => {
    const posted: ReceivableInput = {
      ...base,
      balance: 5_000,
      dueDate: '2026-11-15',
      debtor: { id: 'D-1', name: 'A. Huurder', email: 'nieuw@example.nl', phone: '+31612345678' },
    };
    expect(changedFields(base, posted)).toEqual(['balance', 'debtor.email', 'debtor.phone', 'dueDate']);
    const { description: _, ...without } = { ...base, description: 'x' };
    expect(changedFields({ ...base, description: 'huur november' }, without)).toEqual(['description']);
  });

  it('decides by version, else by updatedAt, else any change is newer', () => {
    expect(isNewer({ version: 3 }, { version: 2 })).toBe(true);
    expect(isNewer({ version: 2 }, { version: 2 })).toBe(false);
    expect(isNewer({ version: 1, updatedAt: '2027-01-01T00:00:00Z' }, { version: 2 })).toBe(false);
    expect(isNewer({ updatedAt: '2026-12-02T10:00:00+01:00' }, { updatedAt: '2026-12-02T08:59:59Z' })).toBe(
      true,
    );
    expect(isNewer({ updatedAt: '2026-12-02T09:00:00Z' }, { updatedAt: '2026-12-02T10:00:00+01:00' })).toBe(
      false,
    );
    expect(isNewer({}, { version: 4 })).toBe(true);
    expect(isNewer({}, {})).toBe(true);
  });
});
