import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../platform/package-root.js';
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

/** The openAPIV3Schema of each kind, read from crds/ — the same files the apiserver is given. */
export function crdSchemas(): Map<Kind, JsonSchemaNode> {
  if (cache) return cache;
  const dir = join(packageRoot(), 'crds');
  const schemas = new Map<Kind, JsonSchemaNode>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(dir, file), 'utf8'));
    const kind = crd?.spec?.names?.kind;
    if (isKind(kind)) schemas.set(kind, crd.spec.versions[0].schema.openAPIV3Schema);
  }
  cache = schemas;
  return schemas;
}
