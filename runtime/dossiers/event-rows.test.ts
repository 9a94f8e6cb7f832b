import { describe, expect, it } from 'vitest';
import { byReceivable, type EventInput, eventRows, unfoldRow } from './event-rows.js';

const AT = new Date('2026-12-01T08:00:00.000Z');
const ev = (receivableId: string | undefined, type: string, extra: Partial<EventInput> = {}): EventInput => ({
  corporation: 'woonstad',
  ...(receivableId ? { receivableId, externalId: `ext-${receivableId}` } : {}),
  type,
  data: { flow: 'huur' },
  ...extra,
});

describe('eventRows', () => {
  it("folds a receivable's events of one statement into one row, four at most", () => {
    const rows = eventRows(
      [
        ev('r1', 'receivable.accepted'),
        ev('r1', 'case.started', { caseId: 'c1' }),
        ev('r1', 'case.completed', { caseId: 'c1' }),
        ev('r1', 'step.skipped', { caseId: 'c1' }),
        ev('r1', 'link.closed', { caseId: 'c1' }),
      ],
      AT,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ type: 'receivable.accepted', case_id: null, receivable_id: 'r1' });
    expect(rows[0]!.more).toEqual([
      { type: 'case.started', data: { flow: 'huur' }, caseId: 'c1' },
      { type: 'case.completed', data: { flow: 'huur' }, caseId: 'c1' },
      { type: 'step.skipped', data: { flow: 'huur' }, caseId: 'c1' },
    ]);
    expect(rows[1]).toMatchObject({ type: 'link.closed', case_id: 'c1', more: null });
  });

  it('keeps apart what differs: receivable, corporation, externalId, time, no receivable, personal data', () => {
    const later = new Date(AT.getTime() + 1);
    const cases: [EventInput, EventInput][] = [
      [ev('r1', 'a'), ev('r2', 'b')],
      [ev('r1', 'a'), { ...ev('r1', 'b'), corporation: 'other' }],
      [ev('r1', 'a'), { ...ev('r1', 'b'), externalId: 'x' }],
      [ev('r1', 'a'), ev('r1', 'b', { at: later })],
      [ev(undefined, 'debtor.updated'), ev(undefined, 'debtor.updated')],
      // contact.updated with an email holds personal data: retention must find its row by `personal`.
      [ev('r1', 'a'), ev('r1', 'contact.updated', { data: { email: 'huurder@example.org' } })],
      [ev('r1', 'contact.updated', { data: { email: 'huurder@example.org' } }), ev('r1', 'b')],
    ];
    for (const pair of cases) expect(eventRows(pair, AT).map((r) => r.more)).toEqual([null, null]);
    expect(eventRows([cases[5]![1]], AT)[0]!.personal).toBe(true);
  });

  it('never reorders: an event between two of a receivable ends its row', () => {
    const rows = eventRows([ev('r1', 'a'), ev('r2', 'b'), ev('r1', 'c')], AT);
    expect(rows.map((r) => [r.receivable_id, r.type, r.more])).toEqual([
      ['r1', 'a', null],
      ['r2', 'b', null],
      ['r1', 'c', null],
    ]);
  });
});

describe('byReceivable', () => {
  it("puts each receivable's events together at its first, in their order; others stay in place", () => {
    const list = [
      ev('r1', 'receivable.accepted'),
      ev('r2', 'receivable.accepted'),
      ev(undefined, 'debtor.updated'),
      ev('r1', 'case.started'),
      ev('r2', 'case.started'),
      ev('r1', 'case.completed'),
    ];
    expect(byReceivable(list).map((e) => `${e.receivableId ?? '-'} ${e.type}`)).toEqual([
      'r1 receivable.accepted',
      'r1 case.started',
      'r1 case.completed',
      'r2 receivable.accepted',
      'r2 case.started',
      '- debtor.updated',
    ]);
    expect(eventRows(byReceivable(list), AT)).toHaveLength(3);
  });
});

describe('unfoldRow', () => {
  it('gives each event of a row its own number, seq + n for the n-th in more', () => {
    const [row] = eventRows([ev('r1', 'a'), ev('r1', 'b', { caseId: 'c1' }), ev('r1', 'c')], AT);
    expect(unfoldRow({ ...row!, seq: 40 })).toEqual([
      { seq: 40, type: 'a', data: { flow: 'huur' }, caseId: null },
      { seq: 41, type: 'b', data: { flow: 'huur' }, caseId: 'c1' },
      { seq: 42, type: 'c', data: { flow: 'huur' }, caseId: null },
    ]);
    expect(unfoldRow({ seq: 7, type: 'x', data: {}, case_id: 'c', more: null })).toEqual([
      { seq: 7, type: 'x', data: {}, caseId: 'c' },
    ]);
  });
});
