// The sends waiting on OST_DISPATCH as the tests count them: a dispatch message carries a group of pointers
// (a JSON array; one pointer on its own is an object), so the stream's message count is not the sends'.
import type { JetStreamManager } from '@nats-io/jetstream';
import { DISPATCH_STREAM } from '../../platform/bus/index.js';
import { sql } from '../../platform/db/index.js';

/** Pointers in the messages on OST_DISPATCH, of the channel type `type` when given (e.g. 'email'). */
export async function dispatchPointers(jsm: JetStreamManager, type?: string): Promise<number> {
  const { state } = await jsm.streams.info(DISPATCH_STREAM);
  let pointers = 0;
  if (state.messages === 0) return 0;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(DISPATCH_STREAM, { seq }).catch(() => null);
    if (!msg || (type && !msg.subject.endsWith(`.${type}`))) continue;
    const body = msg.json<unknown>();
    pointers += Array.isArray(body) ? body.length : 1;
  }
  return pointers;
}

/** The columns of `steps s` a dispatch pointer is made of (select them, then `pointerOf` each row). */
export const POINTER_COLUMNS = sql.fragment`s.id, s.attempts, s.case_id, s.corporation, s.flow,
  s.payload->>'channel' AS channel`;

/** The dispatch pointer of a step row read with POINTER_COLUMNS, as the scheduler publishes it. */
export const pointerOf = (d: Record<string, unknown>) => ({
  stepRowId: d.id,
  attempt: d.attempts,
  caseId: d.case_id,
  corporation: d.corporation,
  flow: d.flow,
  channel: d.channel,
});
