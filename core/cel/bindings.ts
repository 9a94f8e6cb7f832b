import { type CelInput, celMap, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelActivation } from './activation.js';
import { outputstraatCelEnv } from './cel-env.js';
import type { CompiledExpression } from './compile-expression.js';
import { CelEvalError } from './errors.js';
import { CEL_VARIABLES, type CelFieldType } from './variables.js';

// Converts the plain-JS activation into CEL values: int fields become bigint (a JS number would be a CEL
// double, and `balance + 100` would then fail), `now` becomes a google.protobuf.Timestamp. Only the
// variables the expression reads are converted; only declared fields are passed on.
//
// A turn evaluates several expressions against one activation (a classification rule, the flow's
// preconditions, its branches): converting the same maps for each was a fifth of the intake worker's CPU
// on rent day (issue #16, `npm run bench -- --profile DIR`). A map that cannot change (frozen, as
// buildActivation makes them, with nothing mutable inside) is converted once and its CEL map reused; a
// conversion that fails is not kept, so each expression reports its own error.

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
        bindings[name] = mapOnce(expr, name, value, type.fields);
        break;
      case 'timestamp':
        bindings[name] = timestampOnce(expr, name, value);
        break;
      default:
        bindings[name] = toField(expr, name, value, type.kind);
    }
  }
  return bindings;
}

/** CEL maps of frozen activation values, per variable name. */
const maps = new WeakMap<object, Map<string, CelInput>>();

const unchangeable = (value: object) =>
  Object.isFrozen(value) &&
  Object.values(value).every((v) => typeof v !== 'object' || v === null || Object.isFrozen(v));

function mapOnce(
  expr: CompiledExpression,
  name: string,
  value: unknown,
  fields: Readonly<Record<string, CelFieldType>>,
): CelInput {
  // Only an unchangeable map is ever kept, and a frozen object stays frozen: a kept one needs no check.
  const hit = typeof value === 'object' && value !== null ? maps.get(value)?.get(name) : undefined;
  if (hit !== undefined) return hit;
  const map = celMap(new Map(Object.entries(toMap(expr, name, value, fields))));
  if (typeof value === 'object' && value !== null && unchangeable(value)) {
    const byName = maps.get(value) ?? new Map<string, CelInput>();
    byName.set(name, map);
    maps.set(value, byName);
  }
  return map;
}

/** Timestamps of Date values, with the instant they were made for (a Date can be set to another). */
const timestamps = new WeakMap<Date, { ms: number; value: CelInput }>();

function timestampOnce(expr: CompiledExpression, name: string, value: unknown): CelInput {
  if (!(value instanceof Date)) return toTimestampValue(expr, name, value);
  const hit = timestamps.get(value);
  if (hit !== undefined && hit.ms === value.getTime()) return hit.value;
  const converted = toTimestampValue(expr, name, value);
  timestamps.set(value, { ms: value.getTime(), value: converted });
  return converted;
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
