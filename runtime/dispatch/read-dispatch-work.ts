// What a dispatcher accepts from OST_DISPATCH: a pointer to a step row (DispatchWork) for the corporation
// the subject names. Only the scheduler publishes there; anything else is a dead letter at once.
import type { JsMsg } from '@nats-io/jetstream';
import type { DispatchWork } from './dispatch-message.js';

export type ReadWork =
  | { ok: true; corporation: string; work: DispatchWork }
  | { ok: false; corporation: string; problem: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readDispatchWork(msg: JsMsg): ReadWork {
  // ost.dispatch.<corporation>.<channel type>
  const corporation = msg.subject.split('.')[2] ?? '';
  const refuse = (problem: string): ReadWork => ({ ok: false, corporation, problem });
  let work: Partial<Record<keyof DispatchWork, unknown>>;
  try {
    work = msg.json<typeof work>();
  } catch {
    return refuse('it is not JSON');
  }
  if (typeof work !== 'object' || work === null) return refuse('it is not a dispatch pointer');
  if (typeof work.stepRowId !== 'string' || !UUID.test(work.stepRowId))
    return refuse('stepRowId is not a UUID');
  if (typeof work.caseId !== 'string' || !UUID.test(work.caseId)) return refuse('caseId is not a UUID');
  if (!Number.isSafeInteger(work.attempt) || (work.attempt as number) < 1)
    return refuse('attempt is not a number');
  if (work.corporation !== corporation) return refuse('its body names another corporation than its subject');
  if (typeof work.flow !== 'string' || typeof work.channel !== 'string')
    return refuse('flow or channel is missing');
  return { ok: true, corporation, work: work as DispatchWork };
}
