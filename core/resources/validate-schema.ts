// Offline validation with the CRDs' own schemas: ajv for the structural schema (with the defaults the
// apiserver would apply) and the x-kubernetes-validations CEL rules evaluated with the same CEL
// semantics, so a file `kubectl apply` would reject is rejected here too.
import { type CelInput, run } from '@bufbuild/cel';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { crdSchemas, type JsonSchemaNode } from './crd-schemas.js';
import { fieldPathFromPointer, type Kind } from './kinds.js';
import { DNS_LABEL_PATTERN, DNS_SUBDOMAIN_PATTERN, NAME_RULES, SECRET_KEY_PATTERN } from './names.js';

export interface SchemaViolation {
  fieldPath: string;
  message: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let ajv: Ajv | undefined;
const validators = new Map<Kind, ValidateFunction>();

function validatorFor(kind: Kind): ValidateFunction {
  const existing = validators.get(kind);
  if (existing) return existing;
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
    addFormats(ajv);
    for (const keyword of [
      'x-kubernetes-validations',
      'x-kubernetes-list-type',
      'x-kubernetes-list-map-keys',
    ]) {
      ajv.addKeyword(keyword);
    }
  }
  const schema = crdSchemas().get(kind);
  if (!schema) throw new Error(`no CRD schema for kind ${kind} in crds/`);
  // The apiserver prunes unknown fields; offline we reject them so a typo is not silently dropped.
  const validate = ajv.compile(closeObjects(schema, true));
  validators.set(kind, validate);
  return validate;
}

function closeObjects(node: JsonSchemaNode, top = false): JsonSchemaNode {
  const copy: JsonSchemaNode = { ...node };
  if (copy.properties) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([k, v]) => [k, k === 'metadata' && top ? v : closeObjects(v)]),
    );
    if (copy.additionalProperties === undefined && !top) copy.additionalProperties = false;
  }
  if (copy.items) copy.items = closeObjects(copy.items);
  if (copy.additionalProperties && typeof copy.additionalProperties === 'object') {
    copy.additionalProperties = closeObjects(copy.additionalProperties);
  }
  return copy;
}

/** What a reference may hold, said in words rather than as the CRD's regular expression. */
const PATTERN_RULES: Record<string, string> = {
  [DNS_LABEL_PATTERN]: NAME_RULES.namespace,
  [DNS_SUBDOMAIN_PATTERN]: NAME_RULES.name,
  [SECRET_KEY_PATTERN]: NAME_RULES.key,
  // Corporation spec.contactPolicy windows and gaps: rolling time, no business days.
  '^([0-9]{1,4}d)?([0-9]{1,4}h)?([0-9]{1,5}m)?$':
    "a rolling duration in days, hours and minutes, e.g. '2d', '36h' or '1d12h' (no business days)",
};

function describe(err: ErrorObject): SchemaViolation {
  const base = fieldPathFromPointer(err.instancePath);
  const join = (child: string) => (base ? `${base}.${child}` : child);
  switch (err.keyword) {
    case 'required':
      return { fieldPath: join(String(err.params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { fieldPath: join(String(err.params.additionalProperty)), message: 'is not a known field' };
    case 'pattern': {
      const rule = PATTERN_RULES[String(err.params.pattern)];
      return { fieldPath: base, message: rule ? `is not valid: ${rule}` : (err.message ?? 'is invalid') };
    }
    case 'enum':
      return {
        fieldPath: base,
        message: `must be one of ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { fieldPath: base, message: err.message ?? 'is invalid' };
  }
}

/**
 * Validates a resource object (apiVersion, kind, metadata, spec) against its kind's CRD schema and fills
 * in schema defaults in place. Returns every violation, each with the field path it concerns.
 */
export function validateAgainstCrd(kind: Kind, resource: Record<string, unknown>): SchemaViolation[] {
  const validate = validatorFor(kind);
  const violations: SchemaViolation[] = [];
  if (!validate(resource)) {
    const seen = new Set<string>();
    for (const err of validate.errors ?? []) {
      const v = describe(err);
      const key = `${v.fieldPath}|${v.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        violations.push(v);
      }
    }
    return violations;
  }
  const schema = crdSchemas().get(kind) as JsonSchemaNode;
  checkCelRules(schema, resource, '', violations);
  return violations;
}

function checkCelRules(node: JsonSchemaNode, value: unknown, path: string, out: SchemaViolation[]): void {
  if (value === undefined || value === null) return;
  for (const rule of node['x-kubernetes-validations'] ?? []) {
    let ok = false;
    try {
      ok = run(rule.rule, { self: value as CelInput }) === true;
    } catch {
      ok = false;
    }
    if (!ok) {
      const field = rule.fieldPath ? `${path}${rule.fieldPath}` : path;
      out.push({ fieldPath: field, message: rule.message ?? `failed rule ${rule.rule}` });
    }
  }
  if (node.properties && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(node.properties)) {
      checkCelRules(child, (value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
    }
  }
  if (node.items && Array.isArray(value)) {
    value.forEach((item, i) => {
      checkCelRules(node.items as JsonSchemaNode, item, `${path}[${i}]`, out);
    });
  }
  if (
    node.additionalProperties &&
    typeof node.additionalProperties === 'object' &&
    typeof value === 'object'
  ) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      checkCelRules(node.additionalProperties, child, `${path}.${key}`, out);
    }
  }
}
