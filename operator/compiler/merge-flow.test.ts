import { describe, expect, it } from 'vitest';
import { API_VERSION, type Kind, type Resource, type SpecOf } from '../../core/resources/kinds.js';
import type { FlowStep } from '../../core/resources/types.generated.js';
import { compileStreet } from './compile-street.js';

function resource<K extends Kind>(kind: K, name: string, spec: SpecOf[K]): Resource<K> {
  return { apiVersion: API_VERSION, kind, metadata: { name, namespace: 'street' }, spec };
}

const send = (id: string, template = 'reminder-email'): FlowStep => ({
  id,
  send: { channel: 'email', template },
});

const street = [
  resource('Channel', 'email', { type: 'email', provider: 'smtp', smtp: { host: 'smtp.example' } }),
  resource('Template', 'reminder-email', {
    channel: 'email',
    locales: { nl: { subject: 'Herinnering', text: 'Beste {{debtor.name}}' } },
  }),
  resource('Flow', 'base', {
    steps: [send('first'), { id: 'wait-a-week', wait: { for: '7d' } }, send('second')],
  }),
];

const overlay = (spec: SpecOf['Flow']) =>
  resource('Flow', 'overlay', { extends: { name: 'base', namespace: 'street' }, ...spec });

function fieldsOf(resources: Resource[]): string[] {
  return compileStreet(resources)
    .errors.filter((e) => e.location?.resource === 'Flow street/overlay')
    .map((e) => `${e.code} ${e.location?.field}`);
}

describe('resolved flows: errors in steps a patch put in point at that patch', () => {
  it('names the patch entry of an inserted step with an unknown template', () => {
    const flow = overlay({
      patches: [
        { op: 'insertAfter', step: 'wait-a-week', with: [send('call-first'), send('extra', 'missing')] },
      ],
    });
    expect(fieldsOf([...street, flow])).toEqual(['OST_ERR_REFERENCE spec.patches[0].with[1].send.template']);
  });

  it('names the patch entry of an inserted step whose id the base already uses', () => {
    const flow = overlay({ patches: [{ op: 'insertBefore', step: 'second', with: [send('first')] }] });
    expect(fieldsOf([...street, flow])).toEqual(['OST_ERR_FLOW_STRUCTURE spec.patches[0].with[0].id']);
  });

  it('names the patch entry of a replacement that can never be reached', () => {
    const flow = overlay({
      patches: [
        {
          op: 'replace',
          step: 'wait-a-week',
          with: [
            { id: 'wait-a-day', wait: { for: '1d' } },
            { id: 'done', stop: {} },
          ],
        },
        { op: 'replace', step: 'second', with: [send('late')] },
      ],
    });
    expect(fieldsOf([...street, flow])).toEqual(['OST_ERR_FLOW_STRUCTURE spec.patches[1].with[0]']);
  });

  it('keeps spec.steps paths for a flow that writes its own steps', () => {
    const flow = overlay({ steps: [send('only'), send('only')] });
    expect(fieldsOf([...street, flow])).toEqual(['OST_ERR_FLOW_STRUCTURE spec.steps[1].id']);
  });
});
