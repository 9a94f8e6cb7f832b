import { describe, expect, it } from 'vitest';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { type LoadedClaims, refusalOf } from './bundle-admission.js';

function bundle(id: string, over: Partial<ConfigBundle['corporation']> = {}): ConfigBundle {
  return {
    schemaVersion: 1,
    revision: `${id}-r1`,
    corporation: { id, base: 'outputstraat-base', ...over } as ConfigBundle['corporation'],
    apiKeyHashes: [`hash-of-${id}`],
    channels: {
      email: {
        name: 'email',
        source: { kind: 'Channel', namespace: 'outputstraat-base', name: 'email' },
        spec: { type: 'email', provider: 'smtp', credentialsSecretRef: { name: 'smtp' } },
      },
    },
    templates: {},
    rules: [],
    flows: {},
    sources: [
      { kind: 'Corporation', namespace: id, name: id },
      { kind: 'Channel', namespace: 'outputstraat-base', name: 'email' },
    ],
  };
}

const street = (loaded: ConfigBundle[]): LoadedClaims => ({
  corporationForHost: (host) => loaded.find((b) => b.corporation.paymentHost === host)?.corporation.id,
  corporationForKeyHash: (hash) => loaded.find((b) => b.apiKeyHashes.includes(hash))?.corporation.id,
  has: (id) => loaded.some((b) => b.corporation.id === id),
});

describe('bundle admission', () => {
  const noord = bundle('noord', { paymentHost: 'betalen.noord.example' });

  it('admits a bundle that stays inside its corporation and base', () => {
    expect(refusalOf(bundle('zuid'), street([noord]))).toBeUndefined();
    expect(refusalOf(noord, street([noord]))).toBeUndefined(); // its own host and key
  });

  it('refuses a payment host or an API key another loaded corporation holds, naming it', () => {
    expect(
      refusalOf(bundle('zuid', { paymentHost: 'betalen.noord.example' }), street([noord])),
    ).toMatchObject({
      reason: 'payment-host',
      holder: 'noord',
    });
    const thief = { ...bundle('zuid'), apiKeyHashes: ['hash-of-noord'] };
    expect(refusalOf(thief, street([noord]))).toMatchObject({ reason: 'api-key', holder: 'noord' });
  });

  it('refuses a base that is a corporation, and resources from any other namespace', () => {
    expect(refusalOf(bundle('zuid', { base: 'noord' }), street([noord]))).toMatchObject({
      reason: 'base-is-corporation',
    });
    const foreign = bundle('zuid');
    foreign.channels.email!.source = { kind: 'Channel', namespace: 'noord', name: 'email' };
    expect(refusalOf(foreign, street([noord]))).toMatchObject({ reason: 'foreign-source' });
  });

  it('refuses names that are not Kubernetes names before they become paths', () => {
    const walker = bundle('zuid');
    walker.channels.email!.spec.credentialsSecretRef = { name: '../noord/smtp' };
    expect(refusalOf(walker, street([]))).toMatchObject({ reason: 'invalid-name' });
    expect(refusalOf(bundle('../noord'), street([]))).toMatchObject({ reason: 'invalid-name' });
  });
});
