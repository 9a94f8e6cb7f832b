import { describe, expect, it } from 'vitest';
import { householdIdOf } from './household.js';

const address = { street: 'Dorpsstraat', houseNumber: '12 a', postalCode: '1234 ab', city: 'Noord' };

describe('householdIdOf', () => {
  it('is the ERP household when given, else the address with postcode and house number compacted', () => {
    expect(householdIdOf({ id: 'D1', name: 'A', householdId: 'H-9', address })).toBe('erp:H-9');
    expect(householdIdOf({ id: 'D1', name: 'A', address })).toBe('NL|1234AB|12A');
    expect(householdIdOf({ id: 'D2', name: 'B', address: { ...address, houseNumber: '12A' } })).toBe(
      'NL|1234AB|12A',
    );
    expect(householdIdOf({ id: 'D3', name: 'C' })).toBeUndefined();
  });
});
