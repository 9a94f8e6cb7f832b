// The ERP contract of PATCH /v1/debtors/{debtorId}: contact details, statuses and opt-outs. A status is
// set with an object and cleared with null; optOuts adds (`set`) and removes (`clear`) channel types.
import type { FromSchema } from '../receivable/from-schema.js';
import { receivableSchema } from '../receivable/schema.js';
import { schemaValidator, type Validation } from '../receivable/validate-schema.js';
import { CHANNEL_TYPES } from './statuses.js';

const { id: _id, householdId: _household, ...contact } = receivableSchema.properties.debtor.properties;
const externalId = receivableSchema.properties.externalId;
const date = { type: 'string', format: 'date' } as const;
const channelTypes = {
  type: 'array',
  maxItems: CHANNEL_TYPES.length,
  uniqueItems: true,
  items: { type: 'string', enum: [...CHANNEL_TYPES] },
} as const;

export const debtorPatchSchema = {
  $id: 'DebtorPatch',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    contact: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: 'Contact details to change; the rest stay. Later receivables keep them current too.',
      properties: contact,
    },
    deceased: {
      description: 'Reported deceased: every dossier stops and the consultants get an alert. null clears it.',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['date'],
          properties: { date, source: { type: 'string', maxLength: 100 } },
        },
        { type: 'null' },
      ],
    },
    debtAssistance: {
      description:
        'Debt assistance, a moratorium or WSNP: every dossier is frozen from `from`, and resumes at `until` ' +
        '(or when cleared with null).',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'from'],
          properties: {
            kind: { type: 'string', enum: ['debt-assistance', 'moratorium', 'wsnp'] },
            from: date,
            until: date,
          },
        },
        { type: 'null' },
      ],
    },
    dispute: {
      description:
        'The debtor disputes these receivables: they leave the total, and a dossier with nothing else open ' +
        'is held. null clears it.',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['externalIds'],
          properties: {
            externalIds: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: externalId },
            note: { type: 'string', maxLength: 500, description: 'For the consultants (not sent anywhere).' },
          },
        },
        { type: 'null' },
      ],
    },
    optOuts: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: 'Channel types the debtor refuses (set) or accepts again (clear).',
      properties: { set: channelTypes, clear: channelTypes },
    },
  },
} as const;

export type DebtorPatch = FromSchema<typeof debtorPatchSchema>;

const validate = schemaValidator<DebtorPatch>(debtorPatchSchema, { multiline: ['dispute.note'] });

/** Validates a debtor patch; the field errors name the field (`debtAssistance.until`, `contact.email`). */
export function validateDebtorPatch(body: unknown): Validation<DebtorPatch> {
  const result = validate(body);
  if (!result.ok) return result;
  const a = result.value.debtAssistance as { from: string; until?: string } | null | undefined;
  if (a?.until !== undefined && a.until <= a.from) {
    return { ok: false, errors: [{ field: 'debtAssistance.until', message: 'must be after from' }] };
  }
  const set = result.value.optOuts?.set ?? [];
  const both = (result.value.optOuts?.clear ?? []).find((t) => set.includes(t));
  if (both) return { ok: false, errors: [{ field: 'optOuts.clear', message: `cannot also set ${both}` }] };
  return result;
}
