// Which household a debtor belongs to: the ERP's `householdId` when it sends one, else the address —
// postcode (upper case, no spaces) and house number with its addition (upper case, no spaces), e.g.
// `1234AB|12A`. Two tenancy accounts at one address are one household for the contact budget.
import type { ReceivableInput } from '../receivable/index.js';

type Debtor = ReceivableInput['debtor'];

const compact = (text: string) => text.toUpperCase().replace(/\s+/g, '');

export function householdIdOf(debtor: Debtor): string | undefined {
  if (debtor.householdId) return `erp:${debtor.householdId}`;
  const a = debtor.address;
  if (!a) return undefined;
  return `${(a.country ?? 'NL').toUpperCase()}|${compact(a.postalCode)}|${compact(a.houseNumber)}`;
}
