import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { objectPath, pathSegment, secretPath } from './kube-paths.js';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isOutputstraatError(err, 'OST_ERR_UNSAFE_NAME');
  }
  return false;
};

/** The path the apiserver is asked for, after the URL parser resolved it (as KubeClient sends it). */
const sent = (path: string) => new URL(`https://apiserver.invalid${path}`).pathname;

describe('Kubernetes API paths', () => {
  it('read a Secret only in the namespace that names it', () => {
    expect(sent(secretPath('woonstad-noord', 'erp-api-key'))).toBe(
      '/api/v1/namespaces/woonstad-noord/secrets/erp-api-key',
    );
    for (const name of ['../../other-ns/secrets/x', '..', '.', 'a/b', '%2e%2e', '']) {
      expect(
        refused(() => secretPath('attacker', name)),
        name,
      ).toBe(true);
    }
    expect(refused(() => secretPath('..', 'x'))).toBe(true);
  });

  it('encode every name as one segment that the URL parser cannot resolve away', () => {
    expect(sent(objectPath('Flow', 'ns', 'a/../../b'))).toBe(
      '/apis/outputstraat.io/v1alpha1/namespaces/ns/flows/a%2F..%2F..%2Fb',
    );
    expect(pathSegment('%2e%2e')).toBe('%252e%252e');
    for (const segment of ['..', '.', ''])
      expect(
        refused(() => pathSegment(segment)),
        segment,
      ).toBe(true);
    expect(refused(() => objectPath('Corporation', 'ns', '..'))).toBe(true);
  });
});
