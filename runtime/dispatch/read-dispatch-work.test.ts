import type { JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import type { DispatchWork } from './dispatch-types.js';
import { dispatchMessages, dispatchMsgId } from './publish-dispatch.js';
import { dispatchWeight, MAX_POINTERS, readDispatchWork } from './read-dispatch-work.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const work = (n: number, corporation = 'woonstad-noord'): DispatchWork => ({
  stepRowId: uuid(n),
  attempt: 1,
  caseId: uuid(1000 + n),
  corporation,
  flow: 'huur',
  channel: 'email',
});
const message = (body: unknown, subject = 'ost.dispatch.woonstad-noord.email') => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    subject,
    json: () => JSON.parse(text),
  } as unknown as JsMsg;
};

describe('readDispatchWork', () => {
  it('reads a group of pointers and a lone pointer (as published before groups)', () => {
    expect(readDispatchWork(message([work(1), work(2)]))).toEqual({
      ok: true,
      corporation: 'woonstad-noord',
      works: [work(1), work(2)],
    });
    expect(readDispatchWork(message(work(3)))).toEqual({
      ok: true,
      corporation: 'woonstad-noord',
      works: [work(3)],
    });
    expect(dispatchWeight(message([work(1), work(2), work(3)]))).toBe(3);
  });

  it.each([
    ['not JSON', '{"stepRowId":', 'it is not JSON'],
    ['an empty list', [], 'it names no step'],
    ['too many pointers', Array.from({ length: MAX_POINTERS + 1 }, (_, i) => work(i)), 'more than 256'],
    ['a number', 7, 'it is not a dispatch pointer'],
    ['a list in a list', [[work(1)]], 'pointer 1: it is not a dispatch pointer'],
    [
      'a bad step id',
      [work(1), { ...work(2), stepRowId: "1' OR 1=1" }],
      'pointer 2: stepRowId is not a UUID',
    ],
    ['a bad case id', [{ ...work(1), caseId: 5 }], 'caseId is not a UUID'],
    ['attempt 0', [{ ...work(1), attempt: 0 }], 'attempt is not a number'],
    [
      'another corporation',
      [work(1), work(2, 'woonstad-zuid')],
      'pointer 2: its body names another corporation',
    ],
    ['a step twice', [work(1), work(1)], `pointer 2: it names step ${uuid(1)} twice`],
    ['no channel', [{ ...work(1), channel: undefined }], 'flow or channel is missing'],
  ])('refuses %s and names why', (_what, body, problem) => {
    const read = readDispatchWork(message(body));
    expect(read.ok).toBe(false);
    expect(read).toMatchObject({ corporation: 'woonstad-noord' });
    expect(read.ok ? '' : read.problem).toContain(problem);
  });

  it('an unreadable message weighs one', () => {
    expect(dispatchWeight(message('nonsense'))).toBe(1);
  });
});

describe('dispatchMessages', () => {
  it('groups per subject in the order given, at most the group size to a message', () => {
    const steps = [
      { work: work(1), channelType: 'email' },
      { work: work(2, 'woonstad-zuid'), channelType: 'email' },
      { work: work(3), channelType: 'email' },
      { work: work(4), channelType: 'sms' },
      { work: work(5), channelType: 'email' },
    ];
    expect(dispatchMessages(steps, 2)).toEqual([
      { subject: 'ost.dispatch.woonstad-noord.email', works: [work(1), work(3)] },
      { subject: 'ost.dispatch.woonstad-noord.email', works: [work(5)] },
      { subject: 'ost.dispatch.woonstad-zuid.email', works: [work(2, 'woonstad-zuid')] },
      { subject: 'ost.dispatch.woonstad-noord.sms', works: [work(4)] },
    ]);
    expect(dispatchMessages(steps, 1)).toHaveLength(5);
    expect(dispatchMessages(steps, 10_000).every((m) => m.works.length <= MAX_POINTERS)).toBe(true);
  });

  it('every message it makes reads back as the same pointers', () => {
    const steps = Array.from({ length: 40 }, (_, i) => ({ work: work(i), channelType: 'email' }));
    for (const m of dispatchMessages(steps, 16)) {
      expect(readDispatchWork(message(m.works, m.subject))).toEqual({
        ok: true,
        corporation: 'woonstad-noord',
        works: m.works,
      });
    }
  });

  it('gives the same group the same msgID and another attempt or group another', () => {
    expect(dispatchMsgId([work(1), work(2)])).toBe(dispatchMsgId([work(1), work(2)]));
    expect(dispatchMsgId([work(1), work(2)])).not.toBe(dispatchMsgId([work(1), { ...work(2), attempt: 2 }]));
    expect(dispatchMsgId([work(1), work(2)])).not.toBe(dispatchMsgId([work(1)]));
  });
});
