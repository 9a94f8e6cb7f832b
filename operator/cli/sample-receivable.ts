// The receivable `outputstraat render` uses when none is given: a tenant with every contact route, an
// amount of € 620,79 and sample values for the template's declared variables.
import type { BundleTemplate } from '../../core/bundle/types.js';
import type { ReceivableInput } from '../../core/receivable/index.js';

const SAMPLE_VALUES: Record<string, string | number | boolean> = {
  string: 'voorbeeld',
  number: 3,
  money: 12_500,
  date: '2026-03-16',
  url: 'https://www.example.org/voorbeeld',
  boolean: true,
};

export function sampleReceivable(template?: BundleTemplate): ReceivableInput {
  const vars: Record<string, string | number | boolean> = {};
  for (const v of template?.spec.variables ?? [])
    vars[v.name] = SAMPLE_VALUES[v.type ?? 'string'] ?? 'voorbeeld';
  return {
    externalId: 'VOORBEELD-2026-0001',
    kind: 'storno',
    amount: 62_079,
    currency: 'EUR',
    dueDate: '2026-03-01',
    paymentReference: '1234567890123456',
    invoiceNumber: '2026000123',
    description: 'Huur maart 2026',
    stornoReasonCode: 'AM04',
    source: 'production',
    debtor: {
      id: 'D-0001',
      name: 'J. de Vries',
      salutation: 'Beste heer De Vries',
      email: 'j.devries@example.org',
      phone: '+31612345678',
      locale: 'nl',
      preferredChannel: 'email',
      address: {
        street: 'Voorbeeldstraat',
        houseNumber: '12',
        postalCode: '9712 AB',
        city: 'Groningen',
        country: 'NL',
      },
    },
    ...(Object.keys(vars).length > 0 ? { vars } : {}),
  };
}
