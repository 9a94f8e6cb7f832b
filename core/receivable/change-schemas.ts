// The ERP contract for changes to a receivable it posted earlier: payments and patches (balance, status,
// payment arrangement), and the query of the event feed. The ingress validates with these schemas and
// /openapi.json publishes them. Amounts are integers in cents (minor units).
import type { FromSchema } from './from-schema.js';
import { schemaValidator } from './validate-schema.js';

const MAX_AMOUNT = 100_000_000_00;
const id = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:/-]+$' } as const;

export const paymentSchema = {
  $id: 'Payment',
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'paymentId'],
  properties: {
    amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'Amount paid, in cents.' },
    paymentId: {
      ...id,
      description: "The ERP's or PSP's id of this payment; a repeated POST with the same id changes nothing.",
    },
    paidAt: { type: 'string', format: 'date-time', description: 'When the debtor paid (ISO 8601).' },
    method: {
      type: 'string',
      maxLength: 40,
      pattern: '^[a-z][a-z0-9-]*$',
      description: 'How it was paid: ideal, transfer, direct-debit, cash, …',
    },
  },
} as const;

export type PaymentInput = FromSchema<typeof paymentSchema>;

export const receivablePatchSchema = {
  $id: 'ReceivablePatch',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    balance: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_AMOUNT,
      description: 'What is still open, in cents; 0 makes the receivable paid.',
    },
    status: {
      type: 'string',
      enum: ['open', 'paused', 'cancelled'],
      description: 'paused holds every step; open resumes them; cancelled stops for good.',
    },
    arrangement: {
      type: 'object',
      additionalProperties: false,
      description:
        'A payment arrangement was made: the flow pauses (unless it declares another course). With terms ' +
        'the dossier monitors it: payments are matched to the terms oldest first, a term unpaid after the ' +
        "corporation's grace days breaks it (arrangement.broken), a plan paid in full closes the dossier " +
        '(arrangement.completed). docs/collections-law.md § 3.',
      properties: {
        reference: { type: 'string', minLength: 1, maxLength: 100 },
        note: { type: 'string', maxLength: 500 },
        endsOn: {
          type: 'string',
          format: 'date',
          description: 'Without terms: when it ends (recorded only).',
        },
        terms: {
          type: 'array',
          minItems: 1,
          maxItems: 60,
          description: 'The instalments, earliest first, due today or later.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['dueOn', 'amount'],
            properties: {
              dueOn: { type: 'string', format: 'date', description: 'Due date (local, YYYY-MM-DD).' },
              amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'In cents.' },
            },
          },
        },
      },
    },
    reason: { type: 'string', maxLength: 200, description: 'Why, for the timeline (no personal data).' },
  },
} as const;

export type ReceivablePatch = FromSchema<typeof receivablePatchSchema>;

export const eventFeedQuerySchema = {
  $id: 'EventFeedQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    after: {
      type: 'string',
      pattern: '^(0|[0-9]+-[0-9]+)$',
      description: 'The cursor of the last event you processed; omit (or 0) to start at the beginning.',
    },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    type: {
      type: 'string',
      pattern: '^[a-z.-]+(,[a-z.-]+)*$',
      description: 'Only these event types, comma-separated (payment.received,message.sent).',
    },
  },
} as const;

export type EventFeedQuery = FromSchema<typeof eventFeedQuerySchema>;

export const validatePayment = schemaValidator<PaymentInput>(paymentSchema);
export const validateReceivablePatch = schemaValidator<ReceivablePatch>(receivablePatchSchema, {
  multiline: ['arrangement.note'],
});
/** Query strings carry text: numbers are coerced before they are checked. */
export const validateEventFeedQuery = schemaValidator<EventFeedQuery>(eventFeedQuerySchema, { coerce: true });
