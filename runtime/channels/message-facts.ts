// What an adapter may need beyond the composed content, read by our message id: the receivable and debtor
// (a letter needs the full postal address, a webhook the external ids), the step that asked for it
// (registered letter? an alert to staff?) and the payment link. Read-only; no lock is taken.
import type { ConfigBundle } from '../../core/bundle/types.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { type LinkKeyRow, type LinkTokens, linkUrl } from '../dossiers/index.js';

export interface MessageFacts {
  messageId: string;
  corporation: string;
  caseId: string | undefined;
  stepKind: string | undefined;
  engineMessageId: string | undefined;
  registered: boolean;
  /** The letter to the estate of a deceased debtor (Flow spec.onDeceased: estateLetter). */
  estate: boolean;
  providerId: string | undefined;
  /** The recipients recorded with the message, comma-separated (several for an alert). */
  recipients: string | undefined;
  externalId: string | undefined;
  receivable: (ReceivableInput & { balance: number }) | undefined;
  /** The receivable's newest open payment link made by this runtime (its token can be recomputed). */
  paymentLink: LinkKeyRow | undefined;
  /** Every derived link of the receivable: what the archive seals (link-seal.ts). */
  derivedLinks: LinkKeyRow[];
}

export async function messageFacts(db: Database, messageId: string): Promise<MessageFacts | undefined> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT m.id, m.corporation, m.case_id, m.engine_message_id, m.provider_id, m.recipient,
           r.external_id, r.payload, r.balance_minor,
           (SELECT s.kind FROM steps s WHERE s.case_id = m.case_id AND s.step_id = m.step_id
              AND s.kind IN ('send', 'alert')
              AND (m.engine_message_id IS NULL OR s.payload ->> 'messageId' = m.engine_message_id)
            ORDER BY s.created_at DESC LIMIT 1) AS step_kind,
           (SELECT (s.payload ->> 'registered')::boolean FROM steps s
              WHERE s.case_id = m.case_id AND s.payload ->> 'messageId' = m.engine_message_id LIMIT 1) AS registered,
           (SELECT (s.payload ->> 'estate')::boolean FROM steps s
              WHERE s.case_id = m.case_id AND s.payload ->> 'messageId' = m.engine_message_id LIMIT 1) AS estate,
           (SELECT jsonb_build_object('id', l.id, 'hash', encode(l.token_sha256, 'hex')) FROM links l
              WHERE l.receivable_id = m.receivable_id AND l.purpose = 'payment' AND l.derived
                AND l.closed_at IS NULL AND l.expires_at > now()
              ORDER BY l.created_at DESC LIMIT 1) AS payment_link,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'hash', encode(l.token_sha256, 'hex'))), '[]')
              FROM links l WHERE l.receivable_id = m.receivable_id AND l.derived) AS derived_links
    FROM messages m LEFT JOIN receivables r ON r.id = m.receivable_id
    WHERE m.id = ${messageId}`);
  if (!row) return undefined;
  const payload = row.payload as ReceivableInput | null;
  const link = row.payment_link as { id: string; hash: string } | null;
  return {
    messageId,
    corporation: row.corporation as string,
    caseId: (row.case_id as string | null) ?? undefined,
    stepKind: (row.step_kind as string | null) ?? undefined,
    engineMessageId: (row.engine_message_id as string | null) ?? undefined,
    registered: row.registered === true,
    estate: row.estate === true,
    providerId: (row.provider_id as string | null) ?? undefined,
    recipients: (row.recipient as string | null) ?? undefined,
    externalId: (row.external_id as string | null) ?? undefined,
    receivable: payload ? { ...payload, balance: Number(row.balance_minor) } : undefined,
    paymentLink: link
      ? { id: link.id, token_sha256: Buffer.from(link.hash, 'hex'), derived: true }
      : undefined,
    derivedLinks: (row.derived_links as { id: string; hash: string }[]).map((l) => ({
      id: l.id,
      token_sha256: Buffer.from(l.hash, 'hex'),
      derived: true,
    })),
  };
}

export function paymentUrl(
  facts: MessageFacts,
  bundle: ConfigBundle,
  publicUrl: string,
  links: LinkTokens,
): string | undefined {
  const token = facts.paymentLink ? links.tokenFor(facts.paymentLink) : undefined;
  return token ? linkUrl(bundle, publicUrl, `/p/${token}`) : undefined;
}

/** Remembers the provider's id as soon as it is known, so a resend after a crash does not call again. */
export async function rememberProviderId(db: Database, messageId: string, providerId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE messages SET provider_id = ${providerId} WHERE id = ${messageId} AND provider_id IS NULL`);
}
