// What a provider or a debtor's click tells us about one message: record it in the message's status
// history, move its status when the event decides the outcome, tell the ERP event feed, and feed the
// engine event (opened, clicked, delivered, bounced, failed) to the message's case under the case lock,
// so the flow's reactions (a bounce falls back to SMS) run. Unknown messages change nothing.

import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { feedCase, insertEvents, type Tx } from '../dossiers/index.js';

export type MessageEventType = 'delivered' | 'opened' | 'clicked' | 'bounced' | 'failed';

export interface MessageEventInput {
  messageId: string;
  type: MessageEventType;
  /** Who reported it: tracking, smtp-dsn, email-webhook, twilio. */
  source: string;
  /** Provider details worth keeping (status, error code, link target); never debtor data. */
  detail?: Record<string, unknown>;
  now: Date;
}

export interface MessageEventDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
}

/** Statuses that settle what happened to a message; a later report does not move them back. */
const FINAL = new Set(['bounced', 'failed']);
const STATUS_EVENTS = new Set<MessageEventType>(['delivered', 'bounced', 'failed']);

export async function setStatusContext(tx: Tx, source: string, detail?: Record<string, unknown>) {
  await tx.query(sql.unsafe`
    SELECT set_config('outputstraat.status_source', ${source}, true),
           set_config('outputstraat.status_detail', ${detail ? JSON.stringify(detail) : ''}, true)`);
}

async function recordHistory(tx: Tx, m: { id: string; corporation: string }, input: MessageEventInput) {
  await tx.query(sql.unsafe`
    INSERT INTO message_status_history (message_id, corporation, status, source, detail)
    VALUES (${m.id}, ${m.corporation}, ${input.type}, ${input.source},
      ${input.detail ? sql.jsonb(input.detail as never) : null})`);
}

/** Returns false when no such message exists (nothing was changed). */
export async function recordMessageEvent(deps: MessageEventDeps, input: MessageEventInput): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const m = await tx.maybeOne(sql.unsafe`
      SELECT id, corporation, case_id, receivable_id, channel, status, engine_message_id
      FROM messages WHERE id = ${input.messageId} FOR UPDATE`);
    if (!m) return false;
    const row = m as {
      id: string;
      corporation: string;
      case_id: string | null;
      receivable_id: string | null;
      channel: string;
      status: string;
      engine_message_id: string | null;
    };
    if (input.type === 'opened') {
      const seen = await tx.exists(sql.unsafe`
        SELECT 1 FROM message_status_history WHERE message_id = ${row.id} AND status = 'opened'`);
      if (seen) return true; // a pixel loaded again says nothing new
    }
    const moves = STATUS_EVENTS.has(input.type) && !FINAL.has(row.status) && row.status !== input.type;
    if (moves) {
      await setStatusContext(tx, input.source, input.detail);
      await tx.query(sql.unsafe`UPDATE messages SET status = ${input.type} WHERE id = ${row.id}`);
      await setStatusContext(tx, '');
    } else {
      await recordHistory(tx, row, input);
    }
    await insertEvents(tx, [
      {
        corporation: row.corporation,
        ...(row.receivable_id ? { receivableId: row.receivable_id } : {}),
        ...(row.case_id ? { caseId: row.case_id } : {}),
        type: `message.${input.type}`,
        data: { messageId: row.id, channel: row.channel },
        at: input.now,
      },
    ]);
    if (row.case_id && row.engine_message_id) {
      try {
        const caseId = row.case_id;
        const engineMessageId = row.engine_message_id;
        await tx.transaction((inner) =>
          feedCase(
            inner,
            deps.bundles,
            caseId,
            { type: 'event', event: { type: input.type, messageId: engineMessageId } },
            input.now,
          ),
        );
      } catch (err) {
        // The case's flow or bundle is gone: keep the report, skip the reaction, say so.
        deps.log.warn(
          { corporation: row.corporation, event: input.type, code: (err as { code?: string }).code },
          'message event recorded but the case could not react to it',
        );
      }
    }
    return true;
  });
}

/** A provider status that decides nothing (queued, ringing, delayed): kept in the history only. */
export async function recordProviderStatus(
  db: Database,
  messageId: string,
  status: string,
  source: string,
  detail?: Record<string, unknown>,
): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    INSERT INTO message_status_history (message_id, corporation, status, source, detail)
    SELECT id, corporation, ${status}, ${source}, ${detail ? sql.jsonb(detail as never) : null}
    FROM messages WHERE id = ${messageId}`);
  return result.rowCount > 0;
}
