import { describe, expect, it } from 'vitest';
import { classifyReply } from '../../core/replies/index.js';
import { API_VERSION, type Resource } from '../../core/resources/kinds.js';
import type { ClassificationRuleSpec } from '../../core/resources/types.generated.js';
import { compileStreet } from './compile-street.js';

const BASE = 'outputstraat-base';

function ruleSet(
  namespace: string,
  name: string,
  spec: ClassificationRuleSpec,
): Resource<'ClassificationRule'> {
  return { apiVersion: API_VERSION, kind: 'ClassificationRule', metadata: { name, namespace }, spec };
}

const corporation = (ns: string): Resource<'Corporation'> => ({
  apiVersion: API_VERSION,
  kind: 'Corporation',
  metadata: { name: ns, namespace: ns },
  spec: {
    displayName: ns,
    sender: { email: `noreply@${ns}.example` },
    senderDomains: [`${ns}.example`],
    ingress: { apiKeySecretRef: { name: 'erp-api-key' } },
  },
});

const baseReplies = ruleSet(BASE, 'replies', {
  target: 'replies',
  rules: [
    { name: 'stop', classification: 'stop', keywords: { nl: ['stop'] }, action: 'opt-out' },
    {
      name: 'paid',
      classification: 'already-paid',
      keywords: { nl: ['al betaald'] },
      action: 'pause-and-task',
    },
  ],
  default: { classification: 'other', action: 'record' },
});

function bundles(resources: Resource[]) {
  const result = compileStreet(resources, { secrets: (ns) => `key-of-${ns}` });
  const errors = result.outcomes.flatMap((o) => o.errors.map((e) => e.message));
  return { errors, of: (ns: string) => result.bundles.find((b) => b.corporation.id === ns)! };
}

describe('reply rules in the bundle', () => {
  it('come from rule sets with target replies, apart from the receivable rules, and classify', () => {
    const { errors, of } = bundles([baseReplies, corporation('noord')]);
    expect(errors).toEqual([]);
    const b = of('noord');
    expect(b.rules).toEqual([]);
    expect(b.defaultRule).toBeUndefined();
    expect(b.replies?.rules.map((r) => `${r.ruleSet}/${r.name}`)).toEqual(['replies/stop', 'replies/paid']);
    expect(classifyReply(b.replies!, 'Ik heb AL betaald')).toMatchObject({ classification: 'already-paid' });
  });

  it('a corporation replaces the base set by its name; another corporation keeps the base', () => {
    const own = ruleSet('zuid', 'replies', {
      target: 'replies',
      rules: [{ name: 'paid', classification: 'already-paid', keywords: { en: ['paid'] }, action: 'record' }],
    });
    const { errors, of } = bundles([baseReplies, corporation('noord'), corporation('zuid'), own]);
    expect(errors).toEqual([]);
    expect(of('zuid').replies).toEqual({
      rules: [
        {
          ruleSet: 'replies',
          name: 'paid',
          classification: 'already-paid',
          keywords: { en: ['paid'] },
          action: 'record',
        },
      ],
    });
    expect(classifyReply(of('zuid').replies!, 'STOP').classification).toBe('other');
    expect(classifyReply(of('noord').replies!, 'STOP').classification).toBe('stop');
  });

  it('a bundle without reply rule sets has none (every reply is other, to record)', () => {
    const channel: Resource = {
      apiVersion: API_VERSION,
      kind: 'Channel',
      metadata: { name: 'email', namespace: BASE },
      spec: { type: 'email', provider: 'smtp', smtp: { host: 'smtp.invalid' } },
    };
    const { errors, of } = bundles([channel, corporation('noord')]);
    expect(errors).toEqual([]);
    expect(of('noord').replies).toBeUndefined();
  });
});
