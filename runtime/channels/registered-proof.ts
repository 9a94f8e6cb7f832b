// Proof of a registered message (a letter's tracking from the print provider's return file, a registered
// email's delivery proof from its provider), recorded the same way for both: a `registered.delivered` or
// `registered.returned` row in the message's status history with the tracking number (or proof id), the
// event `message.registered.*` on the ERP feed, and a sentence in the dossier's timeline. Idempotent: the
// same event (message, status, tracking number, date) is recorded once.
import { type Database, sql } from '../../platform/db/index.js';
import { appendTimeline, insertEvents, lockCase } from '../dossiers/index.js';

export interface RegisteredEvent {
  corporation: string;
  messageId: string;
  /** Only a message of this channel counts. */
  channel: string;
  /** Letters: only a letter printed as registered counts. */
  printedRegistered: boolean;
  status: 'delivered' | 'returned';
  trackingNumber: string;
  /** YYYY-MM-DD. */
  date: string;
  reason?: string;
  source: string;
  /** More detail for the history (file and line, proof hash, …). */
  detail: Record<string, unknown>;
  /** The timeline's sentence, given the message's template. */
  sentence: (template: string) => string;
  now: Date;
}

/** Records it; false when no such message of the corporation and channel exists (nothing recorded). */
export async function recordRegisteredEvent(db: Database, e: RegisteredEvent): Promise<boolean> {
  return db.transaction(async (tx) => {
    const printed = e.printedRegistered
      ? sql.fragment`AND EXISTS (SELECT 1 FROM print_letters l WHERE l.message_id = m.id AND l.registered)`
      : sql.fragment``;
    const m = await tx.maybeOne(sql.unsafe`
      SELECT m.id, m.case_id, m.receivable_id, m.template FROM messages m
      WHERE m.id = ${e.messageId} AND m.corporation = ${e.corporation} AND m.channel = ${e.channel} ${printed}
      FOR UPDATE OF m`);
    if (!m) return false;
    const status = `registered.${e.status}`;
    const seen = await tx.exists(sql.unsafe`
      SELECT 1 FROM message_status_history WHERE message_id = ${e.messageId} AND status = ${status}
        AND detail ->> 'trackingNumber' = ${e.trackingNumber} AND detail ->> 'date' = ${e.date}`);
    if (seen) return true;
    const facts = {
      trackingNumber: e.trackingNumber,
      date: e.date,
      ...(e.reason ? { reason: e.reason } : {}),
    };
    await tx.query(sql.unsafe`
      INSERT INTO message_status_history (message_id, corporation, status, source, detail)
      VALUES (${e.messageId}, ${e.corporation}, ${status}, ${e.source}, ${sql.jsonb({ ...facts, ...e.detail } as never)})`);
    const caseId = (m.case_id as string | null) ?? undefined;
    await insertEvents(tx, [
      {
        corporation: e.corporation,
        ...(m.receivable_id ? { receivableId: m.receivable_id as string } : {}),
        ...(caseId ? { caseId } : {}),
        type: `message.${status}`,
        data: { messageId: e.messageId, channel: e.channel, ...facts },
        at: e.now,
      },
    ]);
    if (caseId) {
      await lockCase(tx, caseId);
      await appendTimeline(tx, caseId, [
        { at: e.now.toISOString(), text: e.sentence((m.template as string | null) ?? e.channel) },
      ]);
    }
    return true;
  });
}
