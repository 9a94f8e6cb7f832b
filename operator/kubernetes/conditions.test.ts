import { describe, expect, it } from 'vitest';
import { createError } from '../../core/errors/index.js';
import { nextStatus, type Verdict } from './conditions.js';

const ok: Verdict = {
  errors: [],
  bundles: [{ corporation: 'woonstad-noord', revision: 'aaaaaaaaaaaaaaaa' }],
};
const broken: Verdict = {
  errors: [
    createError('OST_ERR_REFERENCE', [
      'Flow base/storno spec.steps[0].send.template',
      'Template',
      'gone',
      'create it',
    ]),
  ],
  bundles: [],
  keptRevision: 'aaaaaaaaaaaaaaaa',
};
const t0 = new Date('2026-11-02T10:00:00Z');
const t1 = new Date('2026-11-02T10:05:00Z');

describe('status conditions', () => {
  it('a valid resource is Ready=True Reconciled with its bundle revision', () => {
    const { status, changed } = nextStatus(ok, 3, undefined, t0);
    expect(changed).toBe(true);
    expect(status).toMatchObject({ observedGeneration: 3, revision: 'aaaaaaaaaaaaaaaa' });
    expect(status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Reconciled'],
      ['Reconciling', 'False', 'Reconciled'],
      ['Stalled', 'False', 'Reconciled'],
    ]);
    expect(status.conditions.every((c) => c.observedGeneration === 3)).toBe(true);
  });

  it('an invalid resource is Ready=False and Stalled with the compiler’s reason and message, keeping the live revision', () => {
    const { status } = nextStatus(broken, 4, nextStatus(ok, 3, undefined, t0).status, t1);
    const ready = status.conditions.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({
      status: 'False',
      reason: 'ReferenceNotFound',
      message: broken.errors[0]!.message,
    });
    expect(status.conditions.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True' });
    expect(status.revision).toBe('aaaaaaaaaaaaaaaa');
  });

  it('lastTransitionTime moves only when a condition’s status changes', () => {
    const first = nextStatus(ok, 1, undefined, t0).status;
    const again = nextStatus(
      { ...ok, bundles: [{ corporation: 'x', revision: 'b'.repeat(16) }] },
      2,
      first,
      t1,
    );
    expect(again.changed).toBe(true);
    expect(again.status.conditions.every((c) => c.lastTransitionTime === '2026-11-02T10:00:00Z')).toBe(true);
    const failed = nextStatus(broken, 3, again.status, t1).status;
    const byType = Object.fromEntries(failed.conditions.map((c) => [c.type, c.lastTransitionTime]));
    expect(byType).toEqual({
      Ready: '2026-11-02T10:05:00Z',
      Reconciling: '2026-11-02T10:00:00Z',
      Stalled: '2026-11-02T10:05:00Z',
    });
  });

  it('an unchanged verdict for the same generation writes nothing', () => {
    const first = nextStatus(ok, 1, undefined, t0).status;
    expect(nextStatus(ok, 1, first, t1).changed).toBe(false);
    expect(nextStatus(ok, 2, first, t1).changed).toBe(true);
  });

  it('a resource fine in itself whose corporation is blocked names the culprits', () => {
    const { status } = nextStatus(
      { errors: [], bundles: [], blockedBy: ['Flow base/storno'], keptRevision: 'c'.repeat(16) },
      1,
      undefined,
      t0,
    );
    expect(status.conditions[0]).toMatchObject({ status: 'False', reason: 'DependencyInvalid' });
    expect(status.conditions[0]!.message).toContain('Flow base/storno');
    expect(status.revision).toBe('c'.repeat(16));
  });
});
