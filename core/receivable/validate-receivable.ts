import { type ReceivableInput, receivableSchema } from './schema.js';
import { schemaValidator, type Validation } from './validate-schema.js';

// Free text that may span lines; every other field is one line.
const validate = schemaValidator<ReceivableInput>(receivableSchema, { multiline: ['description', 'vars.*'] });

/** Validates (and fills defaults into) one receivable; returns the field errors, first the most useful. */
export function validateReceivable(body: unknown): Validation<ReceivableInput> {
  const result = validate(body);
  if (result.ok && result.value.balance !== undefined && result.value.balance > result.value.amount) {
    return { ok: false, errors: [{ field: 'balance', message: 'must not be larger than amount' }] };
  }
  return result;
}
