// One ajv instance for every ERP contract schema (receivable, payment, patch), with errors that name the
// field as the ERP wrote it: `debtor.email`, `paymentHistory[2].amount`, `(body)` for the whole body.
// Every contract also refuses text the street cannot store (safe-text.ts).
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type MultilineFields, printable, unsafeTextErrors } from './safe-text.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const strict = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: false }));
const coercing = addFormats(
  new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: true }),
);

export interface FieldError {
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

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
  return printable([base, child].filter(Boolean).join('.')) || '(body)';
}

function messageOf(err: ErrorObject): string {
  if (err.keyword === 'required') return 'is required';
  if (err.keyword === 'additionalProperties') return 'is not a known field';
  if (err.keyword === 'enum') return `must be one of ${(err.params.allowedValues as unknown[]).join(', ')}`;
  if (err.keyword === 'format') return `must be a valid ${err.params.format}`;
  if (err.keyword === 'minProperties') return `must set at least ${err.params.limit} field`;
  return err.message ?? 'is invalid';
}

/**
 * A validator for one JSON Schema: checks a JSON object and fills the schema's defaults into it. `coerce`
 * turns text into the numbers and booleans the schema asks for (query strings). `multiline` names the
 * free-text fields that may hold tabs and line breaks; no field may hold other control characters.
 */
export function schemaValidator<T>(
  schema: object,
  options: { coerce?: boolean; multiline?: MultilineFields } = {},
): (body: unknown) => Validation<T> {
  const validate = (options.coerce ? coercing : strict).compile<T>(schema);
  return (body) => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
    }
    const unsafe = unsafeTextErrors(body, options.multiline);
    const valid = validate(body);
    if (valid && unsafe.length === 0) return { ok: true, value: body as T };
    // A field with a control character usually breaks its pattern too; the first message says more.
    const named = new Set(unsafe.map((e) => e.field));
    const schemaErrors = valid
      ? []
      : (validate.errors ?? [])
          .map((e) => ({ field: fieldOf(e), message: messageOf(e) }))
          .filter((e) => !named.has(e.field));
    return { ok: false, errors: [...unsafe, ...schemaErrors] };
  };
}

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field} ${e.message}`).join('; ');
}
