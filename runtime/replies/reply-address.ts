// The per-message reply address of an email: reply+<token>@<reply domain> (OST_REPLY_DOMAIN). The token
// is derived from the message id (LinkTokens.replyTokenOf) and the database keeps only its SHA-256
// (messages.reply_token_sha256), so a reply names its message without anyone guessing from the sender.

import type { Database } from '../../platform/db/index.js';
import { sql, typedRows } from '../../platform/db/index.js';
import { type LinkTokens, type Tx, tokenHash } from '../dossiers/index.js';
import type { RepliedMessage } from './record-reply.js';

const TOKEN = /^[0-9a-f]{32}$/;

export function replyAddressOf(links: LinkTokens, messageId: string, domain: string): string {
  return `reply+${links.replyTokenOf(messageId)}@${domain}`;
}

/** Stores the hash of the message's reply token (idempotent: the token is the same on every resend). */
export async function storeReplyToken(
  db: Pick<Tx, 'query'> | Database,
  links: LinkTokens,
  messageId: string,
): Promise<void> {
  await storeReplyTokens(db, links, [messageId]);
}

/** storeReplyToken for several messages in one statement. */
export async function storeReplyTokens(
  db: Pick<Tx, 'query'> | Database,
  links: LinkTokens,
  messageIds: readonly string[],
): Promise<void> {
  if (messageIds.length === 0) return;
  const rows = messageIds.map((id) => ({ id, hash: tokenHash(links.replyTokenOf(id)).toString('hex') }));
  await db.query(sql.unsafe`
    UPDATE messages SET reply_token_sha256 = decode(t.hash, 'hex')
    FROM ${typedRows(
      [
        ['id', 'uuid'],
        ['hash', 'text'],
      ],
      rows,
    )}
    WHERE messages.id = t.id AND messages.reply_token_sha256 IS NULL`);
}

/** The token of a reply address of this domain, or undefined for any other address. */
export function replyTokenIn(address: string, domain: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return undefined;
  const local = address.slice(0, at).toLowerCase();
  if (!local.startsWith('reply+')) return undefined;
  const token = local.slice('reply+'.length);
  return TOKEN.test(token) ? token : undefined;
}

export interface MatchedMessage {
  corporation: string;
  message: RepliedMessage;
}

const MESSAGE_FIELDS = sql.fragment`m.id, m.corporation, m.debtor_ref, m.receivable_id, m.case_id`;

function matched(row: Record<string, unknown>): MatchedMessage {
  return {
    corporation: row.corporation as string,
    message: {
      id: row.id as string,
      debtorRef: (row.debtor_ref as string | null) ?? null,
      receivableId: (row.receivable_id as string | null) ?? null,
      caseId: (row.case_id as string | null) ?? null,
    },
  };
}

/** The email message whose reply token this is; undefined for an unknown token. */
export async function messageOfReplyToken(
  db: Pick<Database, 'maybeOne'>,
  token: string,
): Promise<MatchedMessage | undefined> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT ${MESSAGE_FIELDS} FROM messages m WHERE m.reply_token_sha256 = ${sql.binary(tokenHash(token))}`);
  return row ? matched(row) : undefined;
}

/** The phone number as digits and a leading '+', as messages_sms_recipient_idx compares it. */
export const phoneDigits = (phone: string) => phone.replace(/[^0-9+]/g, '');

/**
 * The most recent SMS to this number from one of these corporations (the reply's debtor); undefined when
 * none of them ever texted it.
 */
export async function lastSmsTo(
  db: Pick<Database, 'maybeOne'>,
  corporations: readonly string[],
  phone: string,
): Promise<MatchedMessage | undefined> {
  const digits = phoneDigits(phone);
  if (digits.length < 6 || corporations.length === 0) return undefined;
  const row = await db.maybeOne(sql.unsafe`
    SELECT ${MESSAGE_FIELDS} FROM messages m
    WHERE m.corporation = ANY(${sql.array(corporations, 'text')}) AND m.channel_type = 'sms'
      AND regexp_replace(m.recipient, '[^0-9+]', '', 'g') = ${digits}
    ORDER BY m.created_at DESC LIMIT 1`);
  return row ? matched(row) : undefined;
}
