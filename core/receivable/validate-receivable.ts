import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type ReceivableInput, receivableSchema } from './schema.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
addFormats(ajv);
const validate = ajv.compile<ReceivableInput>(receivableSchema);

export interface FieldError {
  field: string;
  message: string;
}

function fieldOf(err: ErrorObject): string {
  const base = err.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
  const child =
    err.keyword === 'required'
      ? String(err.params.missingProperty)
      : err.keyword === 'additionalProperties'
        ? String(err.params.additionalProperty)
        : '';
  return [base, child].filter(Boolean).join('.') || '(body)';
}

function messageOf(err: ErrorObject): string {
  if (err.keyword === 'required') return 'is required';
  if (err.keyword === 'additionalProperties') return 'is not a known field';
  if (err.keyword === 'enum') return `must be one of ${(err.params.allowedValues as unknown[]).join(', ')}`;
  if (err.keyword === 'format') return `must be a valid ${err.params.format}`;
  return err.message ?? 'is invalid';
}

/** Validates (and fills defaults into) one receivable; returns the field errors, first the most useful. */
export function validateReceivable(
  body: unknown,
): { ok: true; value: ReceivableInput } | { ok: false; errors: FieldError[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  if (validate(body)) {
    const value = body as ReceivableInput;
    if (value.balance !== undefined && value.balance > value.amount) {
      return { ok: false, errors: [{ field: 'balance', message: 'must not be larger than amount' }] };
    }
    return { ok: true, value };
  }
  const errors = (validate.errors ?? []).map((e) => ({ field: fieldOf(e), message: messageOf(e) }));
  return { ok: false, errors };
}

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field} ${e.message}`).join('; ');
}
