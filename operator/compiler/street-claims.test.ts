import { describe, expect, it } from 'vitest';
import { API_VERSION, type Resource } from '../../core/resources/kinds.js';
import type { CorporationSpec } from '../../core/resources/types.generated.js';
import { compileStreet } from './compile-street.js';
import { heldBy } from './street-claims.js';

const base: Resource[] = [
  {
    apiVersion: API_VERSION,
    kind: 'Channel',
    metadata: { name: 'email', namespace: 'outputstraat-base' },
    spec: { type: 'email', provider: 'smtp', smtp: { host: 'smtp.invalid' } },
  },
];

function corporation(
  ns: string,
  created: string,
  spec: Partial<CorporationSpec> = {},
): Resource<'Corporation'> {
  return {
    apiVersion: API_VERSION,
    kind: 'Corporation',
    metadata: { name: ns, namespace: ns, creationTimestamp: created },
    spec: {
      displayName: ns,
      sender: { email: `noreply@${ns}.example` },
      senderDomains: [`${ns}.example`],
      ingress: { apiKeySecretRef: { name: 'erp-api-key' } },
      ...spec,
    },
  };
}

const KEYS: Record<string, string> = { zuid: 'shared-key-123', noord: 'shared-key-123', oost: 'own-key-456' };
const secrets = (ns: string) => KEYS[ns] ?? `key-of-${ns}`;

function compile(corps: Resource<'Corporation'>[], held?: ReturnType<typeof heldBy>) {
  const result = compileStreet([...base, ...corps], { secrets, ...(held ? { held } : {}) });
  const errorsOf = (ns: string) =>
    result.outcomes.find((o) => o.resource.kind === 'Corporation' && o.resource.metadata.namespace === ns)!
      .errors;
  return { result, errorsOf, built: result.bundles.map((b) => b.corporation.id).sort() };
}

describe('street claims', () => {
  it('give a payment host to the Corporation created first, whatever the names', () => {
    const host = { paymentHost: 'betalen.example' };
    const { errorsOf, built } = compile([
      corporation('zuid', '2026-01-01T00:00:00Z', host),
      corporation('noord', '2026-02-01T00:00:00Z', host),
    ]);
    expect(built).toEqual(['zuid']);
    expect(errorsOf('zuid')).toEqual([]);
    expect(errorsOf('noord').map((e) => [e.code, e.location?.field])).toContainEqual([
      'OST_ERR_CLAIMED',
      'spec.paymentHost',
    ]);
    expect(errorsOf('noord')[0]!.message).toContain(
      'paymentHost "betalen.example" is already claimed by Corporation zuid/zuid',
    );
  });

  it('refuse an ERP API key another corporation has, naming it but never the key', () => {
    const { errorsOf, built } = compile([
      corporation('zuid', '2026-01-01T00:00:00Z'),
      corporation('noord', '2026-02-01T00:00:00Z'),
      corporation('oost', '2026-03-01T00:00:00Z'),
    ]);
    expect(built).toEqual(['oost', 'zuid']);
    const [err] = errorsOf('noord');
    expect(err?.code).toBe('OST_ERR_CLAIMED');
    expect(err?.location?.field).toBe('spec.ingress.apiKeySecretRef');
    expect(err?.message).toContain('the ERP API key in Secret erp-api-key (key api-key)');
    expect(err?.message).toContain('Corporation zuid/zuid');
    expect(err?.message).not.toContain(KEYS.zuid);
  });

  it('leave a claim with the corporation whose live bundle holds it, even against an older one', () => {
    const younger = compile([
      corporation('zuid', '2026-06-01T00:00:00Z', { paymentHost: 'betalen.example' }),
    ]);
    const held = heldBy(younger.result.bundles);
    // The older Corporation edits its spec to take the host the younger one has.
    const { errorsOf, built } = compile(
      [
        corporation('zuid', '2026-06-01T00:00:00Z', { paymentHost: 'betalen.example' }),
        corporation('oost', '2026-01-01T00:00:00Z', { paymentHost: 'betalen.example' }),
      ],
      held,
    );
    expect(built).toEqual(['zuid']);
    expect(errorsOf('oost')[0]?.message).toContain('already claimed by Corporation zuid/zuid');
  });

  it('order claimants without creation times by namespace/name', () => {
    const host = { paymentHost: 'betalen.example' };
    const a = corporation('aaa', '', host);
    const b = corporation('bbb', '', host);
    expect(compile([b, a]).built).toEqual(['aaa']);
  });

  it('treat a domain below another corporation’s domain as the same claim', () => {
    const { errorsOf, built } = compile([
      corporation('oost', '2026-01-01T00:00:00Z'),
      corporation('zuid', '2026-02-01T00:00:00Z', {
        sender: { email: 'x@mail.oost.example' },
        senderDomains: ['mail.oost.example'],
      }),
    ]);
    expect(built).toEqual(['oost']);
    expect(errorsOf('zuid')[0]?.code).toBe('OST_ERR_CLAIMED');
    expect(errorsOf('zuid')[0]?.message).toContain('overlapping "oost.example"');
  });
});
