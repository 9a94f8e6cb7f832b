import { describe, expect, it } from 'vitest';
import { crdSchemas, type JsonSchemaNode } from './crd-schemas.js';
import type { Kind } from './kinds.js';
import {
  DNS_LABEL_MAX,
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_MAX,
  DNS_SUBDOMAIN_PATTERN,
  isDnsLabel,
  isDnsSubdomain,
  isSecretKey,
  SECRET_KEY_MAX,
  SECRET_KEY_PATTERN,
} from './names.js';

// Every field through which one resource names another object (`[]` is an array's items, `{}` a map's
// values, `with` the steps a patch inserts). A new reference field belongs here, with its pattern.
const REFERENCES: Record<Kind, [path: string, sort: 'label' | 'subdomain' | 'key'][]> = {
  Corporation: [
    ['spec.base', 'label'],
    ['spec.ingress.apiKeySecretRef.name', 'subdomain'],
    ['spec.ingress.apiKeySecretRef.key', 'key'],
  ],
  Channel: [['spec.credentialsSecretRef.name', 'subdomain']],
  Template: [['spec.layout', 'subdomain']],
  ClassificationRule: [
    ['spec.rules[].flow', 'subdomain'],
    ['spec.default.flow', 'subdomain'],
  ],
  Flow: [
    ['spec.extends.name', 'subdomain'],
    ['spec.extends.namespace', 'label'],
    ['spec.channels.fallback[]', 'subdomain'],
    ...(['spec.steps[]', 'spec.patches[].with[]'] as const).flatMap(
      (step) =>
        [
          [`${step}.send.template`, 'subdomain'],
          [`${step}.send.templates{}`, 'subdomain'],
          [`${step}.send.channel`, 'subdomain'],
          [`${step}.send.alsoVia[]`, 'subdomain'],
          [`${step}.alert.template`, 'subdomain'],
        ] as [string, 'subdomain'][],
    ),
    ['spec.reactions[].channel', 'subdomain'],
    ['spec.reactions[].template', 'subdomain'],
  ],
};

function nodeAt(schema: JsonSchemaNode, path: string): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = schema;
  for (const part of path.split('.')) {
    const m = /^([^[{]+)(\[\]|\{\})?$/.exec(part)!;
    node = node?.properties?.[m[1]!];
    if (m[2] === '[]') node = node?.items;
    if (m[2] === '{}') node = node?.additionalProperties as JsonSchemaNode | undefined;
  }
  return node;
}

const EXPECTED = {
  label: { pattern: DNS_LABEL_PATTERN, maxLength: DNS_LABEL_MAX },
  subdomain: { pattern: DNS_SUBDOMAIN_PATTERN, maxLength: DNS_SUBDOMAIN_MAX },
  key: { pattern: SECRET_KEY_PATTERN, maxLength: SECRET_KEY_MAX },
};

describe('object references', () => {
  it.each(
    Object.entries(REFERENCES).flatMap(([kind, refs]) => refs.map(([path, sort]) => [kind, path, sort])),
  )('%s %s is a %s in the CRD, so the apiserver refuses anything else', (kind, path, sort) => {
    const node = nodeAt(crdSchemas().get(kind as Kind)!, path!);
    expect(node, `${kind} ${path} is not in the CRD`).toBeDefined();
    expect(node).toMatchObject(EXPECTED[sort as keyof typeof EXPECTED]);
  });

  it('can never walk out of a namespace or a folder', () => {
    for (const evil of ['../../other-ns/secrets/x', '..', '.', 'a/b', '%2e%2e', 'A', '', 'a..b/c', '-a']) {
      expect(isDnsSubdomain(evil), evil).toBe(false);
      expect(isDnsLabel(evil), evil).toBe(false);
    }
    for (const evil of ['..', '.', '../x', '..x', 'a/b', '', 'a\\b', 'a b']) {
      expect(isSecretKey(evil), evil).toBe(false);
    }
    expect(isDnsSubdomain('x'.repeat(254))).toBe(false);
    expect(isDnsLabel('x'.repeat(64))).toBe(false);
  });

  it('accept what Kubernetes accepts for names and Secret keys', () => {
    for (const ok of ['woonstad-noord', 'erp-api-key', 'smtp.credentials', 'a', '0-9', 'a--b']) {
      expect(isDnsSubdomain(ok), ok).toBe(true);
    }
    expect(isDnsLabel('smtp.credentials')).toBe(false);
    for (const ok of ['api-key', 'authToken', 'tls.crt', '.dockerconfigjson', '_x', 'a..b', 'KEY_1']) {
      expect(isSecretKey(ok), ok).toBe(true);
    }
  });
});
