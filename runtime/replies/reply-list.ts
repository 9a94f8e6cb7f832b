// A debtor's replies for the ERP (GET /v1/debtors/{debtorId}/replies): newest first, with what the debtor
// wrote — the corporation's own data, read with its own key.
import { createError } from '../../core/errors/index.js';
import { type Database, sql } from '../../platform/db/index.js';

export interface ReplyView {
  id: string;
  channel: 'sms' | 'email';
  from: string | null;
  text: string | null;
  class: string;
  action: string;
  decidedBy: string;
  receivedAt: string;
  messageId: string | null;
  externalId: string | null;
}

export async function listReplies(
  db: Pick<Database, 'any' | 'maybeOneFirst'>,
  corporation: string,
  debtorId: string,
  limit: number,
): Promise<ReplyView[]> {
  const ref = await db.maybeOneFirst(sql.unsafe`
    SELECT id FROM debtors WHERE corporation = ${corporation} AND debtor_id = ${debtorId}`);
  if (!ref) throw createError('OST_ERR_NOT_FOUND', [`debtor ${debtorId}`]);
  const rows = await db.any(sql.unsafe`
    SELECT p.*, r.external_id FROM replies p
    LEFT JOIN messages m ON m.id = p.message_id LEFT JOIN receivables r ON r.id = m.receivable_id
    WHERE p.corporation = ${corporation} AND p.debtor_ref = ${ref as string}
    ORDER BY p.received_at DESC, p.id LIMIT ${limit}`);
  return rows.map((p) => ({
    id: p.id as string,
    channel: p.channel as 'sms' | 'email',
    from: (p.sender as string | null) ?? null,
    text: (p.text as string | null) ?? null,
    class: p.class as string,
    action: p.action as string,
    decidedBy: p.decided_by as string,
    receivedAt: new Date(p.received_at as string).toISOString(),
    messageId: (p.message_id as string | null) ?? null,
    externalId: (p.external_id as string | null) ?? null,
  }));
}
