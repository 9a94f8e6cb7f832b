// The schema of the arrangements and promises to pay of a debtor's dossiers in GET /v1/debtors/{debtorId};
// runtime/dossiers arrangement-history.ts loadArrangements reads them.

export const arrangementViewSchema = {
  type: 'array',
  description:
    'Payment arrangements and promises to pay of the dossiers, oldest first (docs/collections-law.md § 3).',
  items: {
    type: 'object',
    required: ['dossierId', 'kind', 'source', 'status', 'total', 'graceDays', 'madeOn', 'terms'],
    properties: {
      dossierId: { type: 'string' },
      externalId: { type: 'string' },
      kind: { type: 'string', enum: ['plan', 'promise'] },
      source: { type: 'string', enum: ['erp', 'console', 'tenant'] },
      reference: { type: ['string', 'null'] },
      status: { type: 'string', enum: ['running', 'completed', 'broken', 'replaced', 'ended'] },
      total: { type: 'integer', description: 'Cents.' },
      paid: { type: 'integer', description: 'Cents paid towards it (completed: the total).' },
      graceDays: { type: 'integer' },
      madeOn: { type: 'string', format: 'date' },
      endedAt: { type: ['string', 'null'], format: 'date-time' },
      terms: {
        type: 'array',
        items: {
          type: 'object',
          required: ['term', 'dueOn', 'amount', 'paid'],
          properties: {
            term: { type: 'integer' },
            dueOn: { type: 'string', format: 'date' },
            amount: { type: 'integer', description: 'Cents.' },
            paid: { type: 'integer', description: 'Cents of it paid.' },
          },
        },
      },
    },
  },
} as const;
