import type { RenderContext } from './context.js';

/** A complete render context for tests; override any top-level field. */
export function sampleContext(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    locale: 'nl',
    timezone: 'Europe/Amsterdam',
    now: '2021-01-20T09:00:00Z',
    corporation: {
      name: 'Woonstichting Voorbeeld & Zn',
      branding: { logoUrl: 'https://cdn.example.test/logo.png', primaryColor: '#0a6e4f' },
      contact: { phone: '020 123 4567', email: 'incasso@voorbeeld.test', website: 'https://voorbeeld.test' },
    },
    debtor: { id: 'D-1', name: 'J. de Vries', salutation: 'Beste heer De Vries' },
    receivable: {
      externalId: 'R-2021-001',
      kind: 'rent',
      amount: 62079,
      currency: 'EUR',
      dueDate: '2021-01-16',
      paymentReference: '1234 5678 9012 3456',
    },
    links: { payment: 'https://pay.voorbeeld.test/p/abc?x=1&y=2' },
    vars: {},
    ...overrides,
  };
}
