// Debtor-scope dossiers in the engine: an item joining is recorded with the new total, a hand-over step
// ends the dossier and asks for its open items to go to another flow's dossier.
import { describe, expect, it } from 'vitest';
import { Driver, flow } from './test-kit.js';

const TUESDAY = '2026-03-03T10:00:00.000Z';

describe('dossier events and hand-over', () => {
  it('itemAdded records the new total and changes nothing else', () => {
    const d = new Driver(
      flow([
        { id: 'first', send: { channel: 'email', template: 'a' } },
        { id: 'w', wait: { for: '5d' } },
        { id: 'second', send: { channel: 'email', template: 'b' } },
      ]),
    );
    d.start(TUESDAY);
    const before = structuredClone(d.state);
    expect(
      d.event('2026-03-04T10:00:00.000Z', { type: 'itemAdded', balance: 186237, externalId: 'r-3' }),
    ).toEqual([]);
    expect(d.timeline.at(-1)?.text).toBe('Receivable r-3 joined the dossier; total open now 1862.37');
    expect(d.state).toEqual(before);
  });

  it('a handOver step ends the dossier without closing the link and asks for the hand-over', () => {
    const d = new Driver(
      flow([
        { id: 'notice', send: { channel: 'email', template: 'a' } },
        { id: 'term', wait: { for: '10d' } },
        { id: 'to-arrears', handOver: { flow: 'rent-arrears', reason: 'storno unpaid after its term' } },
      ]),
    );
    d.start(TUESDAY);
    const effects = d.runUntil('2026-03-20T10:00:00.000Z');
    expect(effects.map((e) => e.type)).toEqual(['end', 'handOver']);
    expect(effects[1]).toEqual({
      type: 'handOver',
      stepId: 'to-arrears',
      flow: 'rent-arrears',
      reason: 'storno unpaid after its term',
    });
    expect(d.state).toMatchObject({
      status: 'stopped',
      endReason: "handed over to flow 'rent-arrears': storno unpaid after its term",
    });
    expect(d.state.linkClosed).toBeUndefined();
    expect(d.timeline.at(-1)?.text).toBe(
      "Case stopped: handed over to flow 'rent-arrears': storno unpaid after its term",
    );
  });
});
