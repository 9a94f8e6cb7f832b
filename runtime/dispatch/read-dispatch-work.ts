// What a dispatcher accepts from OST_DISPATCH: pointers to step rows (DispatchWork) for the corporation the
// subject names — a JSON array of up to MAX_POINTERS of them, as the scheduler publishes a group of sends
// in one message, or one pointer on its own (as it was published before groups, and still is by hand).
// Only the scheduler publishes there; anything else is a dead letter at once.
import type { JsMsg } from '@nats-io/jetstream';
import type { DispatchWork } from './dispatch-message.js';

export type ReadWork =
  | { ok: true; corporation: string; works: DispatchWork[] }
  | { ok: false; corporation: string; problem: string };

/** Most pointers one dispatch message may carry; the scheduler puts at most OST_DISPATCH_GROUP in one. */
export const MAX_POINTERS = 256;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Each message is read once, though the work queue weighs it before the dispatcher reads it. */
const read = new WeakMap<JsMsg, ReadWork>();

export function readDispatchWork(msg: JsMsg): ReadWork {
  let result = read.get(msg);
  if (!result) {
    result = readOnce(msg);
    read.set(msg, result);
  }
  return result;
}

/** How many sends a message carries, for the work queue's batches (an unreadable one weighs 1). */
export const dispatchWeight = (msg: JsMsg): number => {
  const r = readDispatchWork(msg);
  return r.ok ? r.works.length : 1;
};

function readOnce(msg: JsMsg): ReadWork {
  // ost.dispatch.<corporation>.<channel type>
  const corporation = msg.subject.split('.')[2] ?? '';
  const refuse = (problem: string): ReadWork => ({ ok: false, corporation, problem });
  let body: unknown;
  try {
    body = msg.json<unknown>();
  } catch {
    return refuse('it is not JSON');
  }
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) return refuse('it names no step');
  if (list.length > MAX_POINTERS) return refuse(`it names more than ${MAX_POINTERS} steps`);
  const works: DispatchWork[] = [];
  const seen = new Set<string>();
  for (const [i, item] of list.entries()) {
    const at = Array.isArray(body) ? `pointer ${i + 1}: ` : '';
    const problem = pointerProblem(item, corporation);
    if (problem) return refuse(at + problem);
    const work = item as DispatchWork;
    if (seen.has(work.stepRowId)) return refuse(`${at}it names step ${work.stepRowId} twice`);
    seen.add(work.stepRowId);
    works.push(work);
  }
  return { ok: true, corporation, works };
}

function pointerProblem(item: unknown, corporation: string): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'it is not a dispatch pointer';
  const work = item as Partial<Record<keyof DispatchWork, unknown>>;
  if (typeof work.stepRowId !== 'string' || !UUID.test(work.stepRowId)) return 'stepRowId is not a UUID';
  if (typeof work.caseId !== 'string' || !UUID.test(work.caseId)) return 'caseId is not a UUID';
  if (!Number.isSafeInteger(work.attempt) || (work.attempt as number) < 1) return 'attempt is not a number';
  if (work.corporation !== corporation) return 'its body names another corporation than its subject';
  if (typeof work.flow !== 'string' || typeof work.channel !== 'string') return 'flow or channel is missing';
  return undefined;
}
