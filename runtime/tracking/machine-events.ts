// An open or a click, sorted into a person's or a machine's (core/tracking has the rules) before it is
// recorded. A person's goes the usual way (history, ERP event, the case's reactions); a machine's is
// kept in the message's history only, as `opened.machine` / `clicked.machine` with the rule that
// matched, and reaches neither the event feed nor the case, so it fires no reaction and no outcome.

import {
  classifyTrackingRequest,
  type MachineVerdict,
  type TrackingKind,
} from '../../core/tracking/index.js';
import { sql } from '../../platform/db/index.js';
import { type MessageEventDeps, recordMessageEvent } from './message-events.js';

export interface TrackingHit {
  messageId: string;
  kind: TrackingKind;
  method: string;
  userAgent: string | undefined;
  ip: string | undefined;
  purpose: string | undefined;
  detail?: Record<string, unknown>;
  now: Date;
}

/** Records the hit; answers the verdict, or undefined when no such message exists. */
export async function recordTrackingHit(
  deps: MessageEventDeps,
  hit: TrackingHit,
): Promise<MachineVerdict | undefined> {
  const m = await deps.db.maybeOne(sql.unsafe`
    SELECT m.id, m.corporation,
      extract(epoch FROM (${hit.now.toISOString()}::timestamptz - coalesce(
        (SELECT min(h.at) FROM message_status_history h WHERE h.message_id = m.id AND h.status = 'delivered'),
        m.sent_at)))::float8 AS seconds
    FROM messages m WHERE m.id = ${hit.messageId}`);
  if (!m) return undefined;
  const row = m as { id: string; corporation: string; seconds: number | null };
  const verdict = classifyTrackingRequest({
    kind: hit.kind,
    method: hit.method,
    userAgent: hit.userAgent,
    ip: hit.ip,
    purpose: hit.purpose,
    secondsSinceDelivery: row.seconds ?? undefined,
  });
  const type = hit.kind === 'open' ? 'opened' : 'clicked';
  if (verdict.machine) {
    await deps.db.query(sql.unsafe`
      INSERT INTO message_status_history (message_id, corporation, status, source, detail)
      VALUES (${row.id}, ${row.corporation}, ${`${type}.machine`}, 'tracking',
        ${sql.jsonb({ ...(hit.detail ?? {}), rule: verdict.rule } as never)})`);
    return verdict;
  }
  await recordMessageEvent(deps, {
    messageId: hit.messageId,
    type,
    source: 'tracking',
    ...(hit.detail ? { detail: hit.detail } : {}),
    now: hit.now,
  });
  return verdict;
}
