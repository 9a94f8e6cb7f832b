// Reading the archive for one corporation: the messages of a receivable or of a debtor, each with its
// status history and the parts it was sent as (names, types, sizes, hashes), and the exact bytes of a part.
import type { CommonQueryMethods } from 'slonik';
import { sql } from '../../platform/db/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { type PartName, PRIMARY_PART, partsListOf, readPart, type StoredPart } from './archive-store.js';

export interface ArchivedMessage {
  id: string;
  receivable: string | null;
  caseId: string | null;
  stepId: string | null;
  channel: string;
  channelType: string;
  template: string | null;
  locale: string | null;
  status: string;
  providerId: string | null;
  recipient: string | null;
  subject: string | null;
  createdAt: string;
  sentAt: string | null;
  purgedAt: string | null;
  history: { status: string; source: string | null; detail: unknown; at: string }[];
  parts: { part: string; contentType: string; bytes: number; sha256: string; url: string }[];
}

type Scope = { receivableId: string } | { debtorId: string } | { caseId: string };

const iso = (v: unknown) =>
  v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v);

export async function listArchivedMessages(
  db: CommonQueryMethods,
  corporation: string,
  scope: Scope,
): Promise<ArchivedMessage[]> {
  const where =
    'caseId' in scope
      ? sql.fragment`m.case_id = ${scope.caseId}`
      : 'receivableId' in scope
        ? sql.fragment`m.receivable_id = ${scope.receivableId}`
        : sql.fragment`m.receivable_id IN (SELECT id FROM receivables WHERE corporation = ${corporation}
          AND debtor ->> 'id' = ${scope.debtorId})`;
  const rows = await db.any(sql.unsafe`
    SELECT m.id, r.external_id, m.case_id, m.step_id, m.channel, m.channel_type, m.template, m.locale, m.status,
      m.provider_id, m.recipient, m.subject, m.created_at, m.sent_at, m.purged_at,
      coalesce((SELECT jsonb_agg(jsonb_build_object('status', h.status, 'source', h.source, 'detail', h.detail,
          'at', h.at) ORDER BY h.id) FROM message_status_history h WHERE h.message_id = m.id), '[]') AS history,
      coalesce((SELECT jsonb_agg(jsonb_build_object('part', p.part, 'contentType', p.content_type,
          'bytes', p.bytes, 'sha256', p.sha256) ORDER BY p.part)
        FROM ${partsListOf} p), '[]') AS parts
    FROM messages m LEFT JOIN receivables r ON r.id = m.receivable_id
    WHERE m.corporation = ${corporation} AND ${where}
    ORDER BY m.created_at, m.id`);
  return rows.map((r) => ({
    id: r.id as string,
    receivable: (r.external_id as string | null) ?? null,
    caseId: (r.case_id as string | null) ?? null,
    stepId: (r.step_id as string | null) ?? null,
    channel: r.channel as string,
    channelType: r.channel_type as string,
    template: (r.template as string | null) ?? null,
    locale: (r.locale as string | null) ?? null,
    status: r.status as string,
    providerId: (r.provider_id as string | null) ?? null,
    recipient: (r.recipient as string | null) ?? null,
    subject: (r.subject as string | null) ?? null,
    createdAt: iso(r.created_at) as string,
    sentAt: iso(r.sent_at),
    purgedAt: iso(r.purged_at),
    history: (r.history as { status: string; source: string | null; detail: unknown; at: string }[]).map(
      (h) => ({
        ...h,
        at: new Date(h.at).toISOString(),
      }),
    ),
    parts: (r.parts as { part: string; contentType: string; bytes: number; sha256: string }[]).map((p) => ({
      ...p,
      url: `/v1/messages/${r.id as string}/content?part=${p.part}`,
    })),
  }));
}

export async function receivableIdOf(
  db: CommonQueryMethods,
  corporation: string,
  externalId: string,
): Promise<string | undefined> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT id FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}`);
  return row ? (row.id as string) : undefined;
}

/** Whether the corporation has a receivable of this debtor (the debtor's messages are all under those). */
export async function debtorKnown(
  db: CommonQueryMethods,
  corporation: string,
  debtorId: string,
): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM receivables WHERE corporation = ${corporation} AND debtor ->> 'id' = ${debtorId}`);
}

/** The exact bytes of a part of one of the corporation's messages; undefined when absent or purged. */
export async function archivedContent(
  db: CommonQueryMethods,
  links: LinkTokens,
  corporation: string,
  messageId: string,
  part?: PartName,
): Promise<StoredPart | undefined> {
  const m = await db.maybeOne(sql.unsafe`
    SELECT channel_type FROM messages WHERE id = ${messageId} AND corporation = ${corporation}`);
  if (!m) return undefined;
  const wanted = part ?? PRIMARY_PART[m.channel_type as string];
  return wanted ? readPart(db, links, messageId, wanted) : undefined;
}
