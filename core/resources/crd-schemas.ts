import { CRD_SCHEMAS } from './crd-schemas.generated.js';
import { isKind, type Kind } from './kinds.js';

export interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
  required?: string[];
  'x-kubernetes-validations'?: { rule: string; message?: string; fieldPath?: string }[];
  [key: string]: unknown;
}

let cache: Map<Kind, JsonSchemaNode> | undefined;

/** The openAPIV3Schema of each kind, generated from crds/ — the same schemas the apiserver is given. */
export function crdSchemas(): Map<Kind, JsonSchemaNode> {
  if (cache) return cache;
  const schemas = new Map<Kind, JsonSchemaNode>();
  for (const [kind, schema] of Object.entries(CRD_SCHEMAS)) {
    // A deep copy: callers (ajv, the CEL checks) may annotate the nodes they are given.
    if (isKind(kind)) schemas.set(kind, structuredClone(schema) as unknown as JsonSchemaNode);
  }
  cache = schemas;
  return schemas;
}
