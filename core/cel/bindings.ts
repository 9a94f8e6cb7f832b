import { type CelInput, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelActivation } from './activation.js';
import { outputstraatCelEnv } from './cel-env.js';
import type { CompiledExpression } from './compile-expression.js';
import { CelEvalError } from './errors.js';
import { CEL_VARIABLES, type CelFieldType } from './variables.js';

// Converts the plain-JS activation into CEL values: int fields become bigint (a JS number would be a CEL
// double, and `balance + 100` would then fail), `now` becomes a google.protobuf.Timestamp. Only the
// variables the expression reads are converted; only declared fields are passed on.

const HINT = 'build the variables with buildActivation()';

/** The library's own timestamp() conversion, so no protobuf runtime is needed here. */
const toTimestamp = plan(outputstraatCelEnv, parse('timestamp(instant)'));

export function toCelBindings(expr: CompiledExpression, activation: CelActivation): Record<string, CelInput> {
  const values = activation as unknown as Readonly<Record<string, unknown>>;
  const bindings: Record<string, CelInput> = {};
  for (const name of expr.variables) {
    const spec = CEL_VARIABLES[name];
    if (!spec) continue;
    const value = values[name];
    if (value === undefined || value === null) {
      throw new CelEvalError({
        source: expr.source,
        env: expr.env,
        reason: 'missing-variable',
        problem: `the expression reads "${name}", but the activation has no ${name}`,
        hint: name === 'case' ? 'case exists only while a flow runs; pass it to buildActivation()' : HINT,
      });
    }
    const type = spec.type;
    switch (type.kind) {
      case 'map':
        bindings[name] = toMap(expr, name, value, type.fields);
        break;
      case 'timestamp':
        bindings[name] = toTimestampValue(expr, name, value);
        break;
      default:
        bindings[name] = toField(expr, name, value, type.kind);
    }
  }
  return bindings;
}

function toMap(
  expr: CompiledExpression,
  path: string,
  value: unknown,
  fields: Readonly<Record<string, CelFieldType>>,
): Record<string, CelInput> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw mismatch(expr, path, 'an object', value);
  }
  const source = value as Readonly<Record<string, unknown>>;
  const out: Record<string, CelInput> = {};
  for (const [field, fieldType] of Object.entries(fields)) {
    const fieldValue = source[field];
    // Absent fields stay absent: reading one is a missing-key error, has() on it is false.
    if (fieldValue === undefined) continue;
    out[field] = toField(expr, `${path}.${field}`, fieldValue, fieldType);
  }
  return out;
}

function toField(expr: CompiledExpression, path: string, value: unknown, type: CelFieldType): CelInput {
  switch (type) {
    case 'int':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      throw mismatch(expr, path, 'a whole number (int; amounts in minor units)', value);
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw mismatch(expr, path, 'a finite number (double)', value);
    case 'string':
      if (typeof value === 'string') return value;
      throw mismatch(expr, path, 'a string', value);
    case 'bool':
      if (typeof value === 'boolean') return value;
      throw mismatch(expr, path, 'true or false', value);
    case 'list<string>':
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
      throw mismatch(expr, path, 'a list of strings', value);
  }
}

function toTimestampValue(expr: CompiledExpression, path: string, value: unknown): CelInput {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw mismatch(expr, path, 'a Date', value);
  const result = toTimestamp({ instant: date.toISOString() });
  if (isCelError(result)) throw mismatch(expr, path, 'a Date CEL can represent', value);
  return result as CelInput;
}

function mismatch(expr: CompiledExpression, path: string, expected: string, value: unknown): CelEvalError {
  return new CelEvalError({
    source: expr.source,
    env: expr.env,
    reason: 'type-mismatch',
    problem: `activation value ${path} must be ${expected}, got ${describe(value)}`,
    hint: HINT,
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'an invalid Date';
  return typeof value === 'object' ? 'an object' : typeof value;
}
