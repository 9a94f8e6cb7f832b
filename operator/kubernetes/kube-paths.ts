// API paths of our kinds, derived from core/resources/kinds.ts (group, version, plurals), and of Secrets.
// Every name is one percent-encoded path segment, and never empty, `.` or `..` (a URL resolves those
// away: `secrets/../../other-ns/secrets/x` would be another namespace's Secret).
import { createError } from '../../core/errors/index.js';
import { API_VERSION, type Kind, PLURALS } from '../../core/resources/kinds.js';
import { isDnsLabel, isDnsSubdomain, NAME_RULES } from '../../core/resources/names.js';

/** One path segment: percent-encoded; OST_ERR_UNSAFE_NAME for an empty one, `.` or `..`. */
export function pathSegment(value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw createError('OST_ERR_UNSAFE_NAME', [
      'API path segment',
      value,
      'name',
      'a name is one path segment, never empty, "." or ".."',
    ]);
  }
  return encodeURIComponent(value);
}

/** `/apis/outputstraat.io/v1alpha1/<plural>`: every namespace (list and watch). */
export const collectionPath = (kind: Kind) => `/apis/${API_VERSION}/${PLURALS[kind]}`;

/** `/apis/outputstraat.io/v1alpha1/namespaces/<ns>/<plural>[/<name>]`. */
export const objectPath = (kind: Kind, namespace: string, name = '') =>
  `/apis/${API_VERSION}/namespaces/${pathSegment(namespace)}/${PLURALS[kind]}${name ? `/${pathSegment(name)}` : ''}`;

/** `/api/v1/namespaces/<ns>/secrets/<name>`; OST_ERR_UNSAFE_NAME unless both are Kubernetes names. */
export function secretPath(namespace: string, name: string): string {
  if (!isDnsLabel(namespace)) {
    throw createError('OST_ERR_UNSAFE_NAME', [
      'namespace',
      namespace.slice(0, 100),
      'namespace',
      NAME_RULES.namespace,
    ]);
  }
  if (!isDnsSubdomain(name)) {
    throw createError('OST_ERR_UNSAFE_NAME', ['Secret name', name.slice(0, 100), 'name', NAME_RULES.name]);
  }
  return `/api/v1/namespaces/${pathSegment(namespace)}/secrets/${pathSegment(name)}`;
}
