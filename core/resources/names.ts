// The names one resource uses to point at another object, as Kubernetes spells them. The CRDs carry the
// same patterns (crds/*.yaml; names.test.ts keeps them equal), so the apiserver refuses a bad reference;
// the compiler checks them offline, and the code that turns a name into an API path or a file path
// checks them again (platform/secrets.ts, operator/kubernetes/kube-paths.ts). None of them can hold a
// `/`, and none can be `.` or `..`: a name can never walk out of its namespace or its folder.
import { createError } from '../errors/index.js';

/** A namespace (DNS-1123 label): lower-case letters, digits and `-`, at most 63 characters. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const DNS_LABEL_MAX = 63;

/**
 * The name of a Secret, Flow, Template, Channel or ClassificationRule (DNS-1123 subdomain): labels
 * joined by `.`, at most 253 characters.
 */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const DNS_SUBDOMAIN_MAX = 253;

/** A key of a Secret: letters, digits, `-`, `_` and `.`, not `.` and not starting with `..`. */
export const SECRET_KEY_PATTERN = '^\\.?[-_a-zA-Z0-9][-._a-zA-Z0-9]*$';
export const SECRET_KEY_MAX = 253;

const label = new RegExp(DNS_LABEL_PATTERN);
const subdomain = new RegExp(DNS_SUBDOMAIN_PATTERN);
const secretKey = new RegExp(SECRET_KEY_PATTERN);

export const isDnsLabel = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= DNS_LABEL_MAX && label.test(value);

export const isDnsSubdomain = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= DNS_SUBDOMAIN_MAX && subdomain.test(value);

export const isSecretKey = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= SECRET_KEY_MAX && secretKey.test(value);

/** What a name of each sort may hold, for messages. */
export const NAME_RULES = {
  namespace: 'a namespace is lower-case letters, digits and "-" (DNS-1123 label, at most 63 characters)',
  name: 'a name is lower-case letters, digits, "-" and "." (DNS-1123 subdomain, at most 253 characters)',
  key: 'a Secret key is letters, digits, "-", "_" and ".", not starting with ".." (at most 253 characters)',
} as const;

const shown = (value: unknown) => String(value).slice(0, 100);

/**
 * Throws OST_ERR_UNSAFE_NAME unless namespace, name and key are what Kubernetes allows for a Secret
 * reference. Called wherever a reference becomes a path or a variable name, whatever checked it before.
 */
export function checkSecretRef(namespace: unknown, name: unknown, key: unknown): void {
  if (!isDnsLabel(namespace)) {
    throw createError('OST_ERR_UNSAFE_NAME', [
      'namespace',
      shown(namespace),
      'namespace',
      NAME_RULES.namespace,
    ]);
  }
  if (!isDnsSubdomain(name)) {
    throw createError('OST_ERR_UNSAFE_NAME', ['Secret name', shown(name), 'name', NAME_RULES.name]);
  }
  if (!isSecretKey(key)) {
    throw createError('OST_ERR_UNSAFE_NAME', ['Secret key', shown(key), 'key', NAME_RULES.key]);
  }
}
