// API paths of our kinds, derived from core/resources/kinds.ts (group, version, plurals).
import { API_VERSION, type Kind, PLURALS } from '../../core/resources/kinds.js';

/** `/apis/outputstraat.io/v1alpha1/<plural>`: every namespace (list and watch). */
export const collectionPath = (kind: Kind) => `/apis/${API_VERSION}/${PLURALS[kind]}`;

/** `/apis/outputstraat.io/v1alpha1/namespaces/<ns>/<plural>[/<name>]`. */
export const objectPath = (kind: Kind, namespace: string, name = '') =>
  `/apis/${API_VERSION}/namespaces/${namespace}/${PLURALS[kind]}${name ? `/${name}` : ''}`;
