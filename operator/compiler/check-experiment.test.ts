import { describe, expect, it } from 'vitest';
import { experimentSettings } from '../../core/experiments/index.js';
import { API_VERSION, type Kind, type Resource, type SpecOf } from '../../core/resources/kinds.js';
import type { FlowStep } from '../../core/resources/types.generated.js';
import { compileStreet } from './compile-street.js';

function resource<K extends Kind>(kind: K, name: string, spec: SpecOf[K]): Resource<K> {
  return { apiVersion: API_VERSION, kind, metadata: { name, namespace: 'street' }, spec };
}

const steps: FlowStep[] = [
  { id: 'first', send: { channel: 'email', template: 'reminder-email' } },
  { id: 'wait-a-week', wait: { for: '7d' } },
];
const street = [
  resource('Channel', 'email', { type: 'email', provider: 'smtp', smtp: { host: 'smtp.example' } }),
  resource('Template', 'reminder-email', {
    channel: 'email',
    locales: { nl: { subject: 'Herinnering', text: 'Beste {{debtor.name}}' } },
  }),
];
type Experiment = NonNullable<SpecOf['Flow']['experiment']>;
const experiment = (over: Partial<Experiment> = {}): Experiment => ({
  name: 'sms-first',
  variants: [{ name: 'a' }, { name: 'b', flow: 'base-sms-first' }],
  outcome: { paidWithinDays: 14 },
  ...over,
});
const variantFlow = resource('Flow', 'base-sms-first', {
  extends: { name: 'base', namespace: 'street' },
  patches: [{ op: 'remove', step: 'wait-a-week' }],
});

function errorsOf(resources: Resource[]): string[] {
  return compileStreet([...street, ...resources]).errors.map((e) => `${e.code} ${e.location?.field}`);
}

describe('Flow spec.experiment', () => {
  it('a variant flow that extends the declaring flow compiles', () => {
    expect(errorsOf([resource('Flow', 'base', { steps, experiment: experiment() }), variantFlow])).toEqual(
      [],
    );
  });

  it('names the variant whose flow does not exist', () => {
    expect(errorsOf([resource('Flow', 'base', { steps, experiment: experiment() })])).toEqual([
      'OST_ERR_REFERENCE spec.experiment.variants[1].flow',
    ]);
  });

  it('refuses a holdout of 100%, all-zero weights and a variant flow with its own experiment', () => {
    expect(
      errorsOf([
        resource('Flow', 'base', { steps, experiment: experiment({ holdout: '100%' }) }),
        variantFlow,
      ]),
    ).toContain('OST_ERR_RESOURCE_SCHEMA spec.experiment.holdout');
    expect(
      errorsOf([
        resource('Flow', 'base', {
          steps,
          experiment: experiment({
            variants: [
              { name: 'a', weight: 0 },
              { name: 'b', weight: 0 },
            ],
          }),
        }),
      ]),
    ).toEqual(['OST_ERR_FLOW_STRUCTURE spec.experiment.variants']);
    const own = resource('Flow', 'base-sms-first', { steps, experiment: experiment({ name: 'other' }) });
    expect(errorsOf([resource('Flow', 'base', { steps, experiment: experiment() }), own])).toContain(
      'OST_ERR_FLOW_STRUCTURE spec.experiment.variants[1].flow',
    );
  });

  it("the CRD's rules: variant names are unique and none is called holdout", () => {
    const dup = experiment({ variants: [{ name: 'a' }, { name: 'a', flow: 'base-sms-first' }] });
    expect(errorsOf([resource('Flow', 'base', { steps, experiment: dup }), variantFlow])).toContain(
      'OST_ERR_RESOURCE_SCHEMA spec.experiment.variants',
    );
    const holdout = experiment({ variants: [{ name: 'a' }, { name: 'holdout', flow: 'base-sms-first' }] });
    expect(errorsOf([resource('Flow', 'base', { steps, experiment: holdout }), variantFlow])).toContain(
      'OST_ERR_RESOURCE_SCHEMA spec.experiment.variants',
    );
  });

  it('settings: percentages as fractions, defaults, and the declaring flow for a variant without one', () => {
    expect(
      experimentSettings(
        'base',
        experiment({ holdout: '12.5%', guardrails: { complaintRate: '1%' }, mode: 'bandit' }),
      ),
    ).toEqual({
      name: 'sms-first',
      variants: [
        { name: 'a', weight: 1, flow: 'base' },
        { name: 'b', weight: 1, flow: 'base-sms-first' },
      ],
      holdout: 0.125,
      paidWithinDays: 14,
      minimumSample: 500,
      confidence: 0.95,
      mode: 'bandit',
      guardrails: { complaintRate: 0.01 },
    });
  });
});
