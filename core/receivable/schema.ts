// The ERP contract for one receivable: the JSON Schema the ingress validates with, the OpenAPI document
// publishes, and the type the runtime works with. Amounts are integers in cents (minor units).
import type { FromSchema } from './from-schema.js';

const code = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const receivableSchema = {
  $id: 'Receivable',
  type: 'object',
  additionalProperties: false,
  required: ['externalId', 'kind', 'amount', 'dueDate', 'paymentReference', 'source', 'debtor'],
  properties: {
    externalId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:/-]+$' },
    kind: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9-]*$' },
    amount: { type: 'integer', minimum: 0, maximum: 100_000_000_00 },
    balance: { type: 'integer', minimum: 0, maximum: 100_000_000_00 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'EUR' },
    dueDate: { type: 'string', format: 'date' },
    paymentReference: code,
    invoiceNumber: code,
    description: { type: 'string', maxLength: 200 },
    periodFrom: { type: 'string', format: 'date' },
    periodTo: { type: 'string', format: 'date' },
    stornoReasonCode: { type: 'string', pattern: '^[A-Z0-9]{2,4}$' },
    /** The corporation's building complex of the dwelling (campaign overviews group by it; docs/erp-api.md). */
    complex: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._/-]*$' },
    classification: { type: 'string', maxLength: 60, pattern: '^[a-z0-9][a-z0-9-]*$' },
    source: { type: 'string', enum: ['production', 'acceptance', 'test'] },
    /** The ERP's version of this receivable: a re-post with a higher version corrects it (docs/erp-api.md). */
    version: { type: 'integer', minimum: 0, maximum: 9_007_199_254_740_991 },
    /** When the ERP last changed it; decides between re-posts when there is no version. */
    updatedAt: { type: 'string', format: 'date-time' },
    debtor: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name'],
      properties: {
        id: code,
        /** Groups debtors at one address for the contact budget; default: postcode + house number. */
        householdId: code,
        name: { type: 'string', minLength: 1, maxLength: 200 },
        salutation: { type: 'string', maxLength: 200 },
        email: { type: 'string', format: 'email', maxLength: 254 },
        phone: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' },
        locale: { type: 'string', enum: ['nl', 'en'] },
        preferredChannel: { type: 'string', enum: ['email', 'sms', 'letter', 'voice'] },
        tenancyStartDate: { type: 'string', format: 'date' },
        address: {
          type: 'object',
          additionalProperties: false,
          required: ['street', 'houseNumber', 'postalCode', 'city'],
          properties: {
            street: { type: 'string', minLength: 1, maxLength: 200 },
            houseNumber: { type: 'string', minLength: 1, maxLength: 20 },
            postalCode: { type: 'string', minLength: 1, maxLength: 20 },
            city: { type: 'string', minLength: 1, maxLength: 100 },
            country: { type: 'string', pattern: '^[A-Z]{2}$', default: 'NL' },
          },
        },
      },
    },
    paymentHistory: {
      type: 'array',
      maxItems: 36,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['dueDate', 'amount'],
        properties: {
          dueDate: { type: 'string', format: 'date' },
          paidDate: { type: 'string', format: 'date' },
          amount: { type: 'integer', minimum: 0 },
        },
      },
    },
    vars: {
      type: 'object',
      maxProperties: 50,
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
} as const;

export type ReceivableInput = FromSchema<typeof receivableSchema>;
