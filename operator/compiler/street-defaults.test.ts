import { describe, expect, it } from 'vitest';
import { API_VERSION, type Resource } from '../../core/resources/kinds.js';
import type { CorporationSpec, FlowSpec } from '../../core/resources/types.generated.js';
import { compileStreet } from './compile-street.js';
import { effectiveContactPolicy } from './street-defaults.js';

const BASE = 'outputstraat-base';

const channel: Resource = {
  apiVersion: API_VERSION,
  kind: 'Channel',
  metadata: { name: 'email', namespace: BASE },
  spec: { type: 'email', provider: 'smtp', smtp: { host: 'smtp.invalid' } },
};

const flow = (spec: Partial<FlowSpec>): Resource<'Flow'> => ({
  apiVersion: API_VERSION,
  kind: 'Flow',
  metadata: { name: 'arrears', namespace: BASE },
  spec: { trigger: { kinds: ['rent'] }, steps: [{ id: 'done', stop: {} }], ...spec },
});

const corporation = (ns: string, spec: Partial<CorporationSpec>): Resource<'Corporation'> => ({
  apiVersion: API_VERSION,
  kind: 'Corporation',
  metadata: { name: ns, namespace: ns, origin: undefined } as never,
  spec: {
    displayName: ns,
    sender: { email: `noreply@${ns}.example` },
    senderDomains: [`${ns}.example`],
    ingress: { apiKeySecretRef: { name: 'erp-api-key' } },
    ...spec,
  },
});

const streetDefaults = (spec: Partial<CorporationSpec>): Resource<'Corporation'> => ({
  apiVersion: API_VERSION,
  kind: 'Corporation',
  metadata: { name: 'street-defaults', namespace: BASE },
  spec: { displayName: 'Street defaults', defaults: true, ...spec },
});

const errorsOf = (result: ReturnType<typeof compileStreet>, r: Resource) =>
  result.outcomes.find((o) => o.resource === r)!.errors.map((e) => `${e.location?.field}: ${e.message}`);

describe('street defaults', () => {
  const defaults = streetDefaults({
    contactPolicy: {
      household: { max: 1, window: '2d', minGap: '1d' },
      debtor: { max: 3, window: '7d' },
      priorities: ['legal', 'arrears', 'reminder', 'campaign'],
    },
  });

  it('give their contactPolicy to every corporation of the base, field by field, and are no tenant', () => {
    const own = corporation('noord', { contactPolicy: { household: { max: 2, window: '3d' } } });
    const none = corporation('zuid', {});
    const result = compileStreet([channel, flow({}), defaults, own, none]);
    expect(result.errors).toEqual([]);
    const policyOf = (ns: string) =>
      result.bundles.find((b) => b.corporation.id === ns)?.corporation.contactPolicy;
    expect(result.bundles.map((b) => b.corporation.id).sort()).toEqual(['noord', 'zuid']);
    expect(policyOf('zuid')).toEqual(defaults.spec.contactPolicy);
    expect(policyOf('noord')).toEqual({
      household: { max: 2, window: '3d', minGap: '1d' },
      debtor: { max: 3, window: '7d' },
      priorities: ['legal', 'arrears', 'reminder', 'campaign'],
    });
    // The base still serves its flows: the defaults' namespace is not taken for a tenant.
    expect(result.bundles.find((b) => b.corporation.id === 'zuid')?.flows.arrears).toBeDefined();
    expect(result.outcomes.find((o) => o.resource === defaults)?.revisions).toHaveLength(2);
  });

  it('broken street defaults stop the bundles of their base instead of dropping the budget', () => {
    const broken = streetDefaults({ contactPolicy: { household: { max: 1, window: '3bd' } } });
    const result = compileStreet([channel, flow({}), broken, corporation('zuid', {})]);
    expect(result.bundles).toEqual([]);
    expect(result.failedCorporations.get('zuid')?.map((e) => e.location?.field)).toEqual([
      'spec.contactPolicy.household.window',
    ]);
  });

  it('a corporation without street defaults and without a policy has no budget', () => {
    const result = compileStreet([channel, flow({}), corporation('zuid', {})]);
    expect(result.bundles[0]?.corporation.contactPolicy).toBeUndefined();
  });

  it('refuse tenant fields, and a tenant still needs them; the errors name the field', () => {
    const bad = streetDefaults({
      paymentHost: 'betalen.example',
      ingress: { apiKeySecretRef: { name: 'k' } },
    });
    const tenant: Resource<'Corporation'> = {
      apiVersion: API_VERSION,
      kind: 'Corporation',
      metadata: { name: 'oost', namespace: 'oost' },
      spec: { displayName: 'Oost' },
    };
    const result = compileStreet([channel, bad, tenant]);
    expect(errorsOf(result, bad).join('\n')).toMatch(/spec\.defaults: .*not a tenant/);
    const tenantErrors = errorsOf(result, tenant).join('\n');
    for (const field of ['spec.sender', 'spec.senderDomains', 'spec.ingress']) {
      expect(tenantErrors).toContain(`${field}: `);
    }
  });

  it('contact policy fields are checked with the field named', () => {
    const bad = corporation('west', {
      contactPolicy: {
        debtor: { max: 1, window: '3bd', channels: [{ type: 'pigeon', max: 1, window: '1d' } as never] },
        priorities: ['urgent' as never],
      },
    });
    const text = errorsOf(compileStreet([channel, bad]), bad).join('\n');
    expect(text).toMatch(/spec\.contactPolicy\.debtor\.window: .*rolling duration/);
    expect(text).toContain('spec.contactPolicy.debtor.channels[0].type');
    expect(text).toContain('spec.contactPolicy.priorities[0]');
    const noWindow = corporation('oost', { contactPolicy: { household: { max: 1 } } });
    expect(errorsOf(compileStreet([channel, noWindow]), noWindow).join('\n')).toMatch(
      /spec\.contactPolicy\.household\.window: .*max and window go together/,
    );
  });

  it('flows carry contactClass and overBudget only when declared (revisions of other flows stay)', () => {
    const corp = corporation('zuid', {});
    const plain = compileStreet([channel, flow({}), corp]).bundles[0]!.flows.arrears!;
    expect(plain.contactClass).toBeUndefined();
    const classed = compileStreet([channel, flow({ contactClass: 'legal', overBudget: 'skip' }), corp])
      .bundles[0]!.flows.arrears!;
    expect(classed).toMatchObject({ contactClass: 'legal', overBudget: 'skip' });
    expect(classed.revision).not.toBe(plain.revision);
  });

  it('overlay objects field by field and take lists whole', () => {
    expect(
      effectiveContactPolicy(
        { debtor: { channels: [{ type: 'sms', max: 1, window: '7d' }] } },
        {
          debtor: { max: 2, window: '7d', channels: [{ type: 'letter', max: 1, window: '30d' }] },
          priorities: ['legal'],
        },
      ),
    ).toEqual({
      debtor: { max: 2, window: '7d', channels: [{ type: 'sms', max: 1, window: '7d' }] },
      priorities: ['legal'],
    });
    expect(effectiveContactPolicy(undefined, undefined)).toBeUndefined();
  });
});
