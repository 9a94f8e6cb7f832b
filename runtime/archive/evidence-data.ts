// What the evidence file of one dossier holds, read in one go for one corporation: the case and its
// timeline, the debtor, the dossier's items (runtime/dossiers dossierReceivables), payments, and every message
// with its status history (SMTP acceptance, DSNs, Twilio callbacks, print hand-over, registered-letter
// tracking), the print manifest line of each letter, its archived parts exactly as sent, and the dossier's
// arrangements and promises to pay with their instalments.
import type { CommonQueryMethods } from 'slonik';
import type { CaseState, CostLine, NoticeRecord } from '../../core/engine/index.js';
import { sql } from '../../platform/db/index.js';
import {
  type ArrangementView,
  type CaseTimelineEntry,
  type DossierItem,
  dossierReceivables,
  type LinkTokens,
  loadArrangements,
} from '../dossiers/index.js';
import { type ArchivedMessage, listArchivedMessages } from './archive-queries.js';
import { readParts, type StoredPart } from './archive-store.js';

export interface EvidencePayment {
  paymentId: string;
  receivable: string;
  amountCents: number;
  paidAt: string | null;
  method: string | null;
  balanceAfterCents: number;
  receivedAt: string;
}

/** The entry of the manifest a letter was uploaded with (runtime/channels/print-batches.ts). */
export interface PrintManifestLine {
  batch: string;
  uploadedAt: string | null;
  letterId: string;
  file: string;
  pages: number;
  registered: boolean;
  corporation: string;
  sha256: string | null;
}

export interface EvidenceMessage extends ArchivedMessage {
  print?: PrintManifestLine;
  files: StoredPart[];
}

export interface EvidenceData {
  corporation: { id: string; displayName: string };
  caseId: string;
  flow: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  currency: string;
  debtor: { id: string | null; name: string | null; addressLines: string[] };
  items: (DossierItem & { description: string | null })[];
  payments: EvidencePayment[];
  timeline: CaseTimelineEntry[];
  messages: EvidenceMessage[];
  /** The dossier's 14-day letter and cost lines, from the case state (core/engine/notice.ts). */
  notice?: NoticeRecord;
  costs: CostLine[];
  /** The dossier's payment arrangements and promises to pay, oldest first (docs/collections-law.md § 3). */
  arrangements: ArrangementView[];
}

const collectionsOf = (state: CaseState | null) => ({
  ...(state?.notice ? { notice: state.notice } : {}),
  costs: state?.costs ?? [],
});

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** The evidence of one of the corporation's dossiers; undefined when it has no such case. */
export async function loadEvidence(
  db: CommonQueryMethods,
  links: LinkTokens,
  corporation: { id: string; displayName: string },
  caseId: string,
): Promise<EvidenceData | undefined> {
  const c = await db.maybeOne(sql.unsafe`
    SELECT c.id, c.flow, c.status, c.started_at, c.ended_at, c.end_reason, c.timeline, c.state,
      r.currency, r.debtor
    FROM cases c JOIN receivables r ON r.id = c.receivable_id
    WHERE c.id = ${caseId} AND c.corporation = ${corporation.id}`);
  if (!c) return undefined;
  const items = await dossierReceivables(db, caseId);
  const descriptions = new Map(
    (
      await db.any(sql.unsafe`
        SELECT id, payload ->> 'description' AS description FROM receivables
        WHERE id = ANY(${sql.array(
          items.map((i) => i.receivableId),
          'uuid',
        )})`)
    ).map((r) => [r.id as string, (r.description as string | null) ?? null]),
  );
  const payments = await db.any(sql.unsafe`
    SELECT p.payment_id, r.external_id, p.amount_minor, p.paid_at, p.method, p.balance_after, p.received_at
    FROM payments p JOIN receivables r ON r.id = p.receivable_id
    WHERE p.corporation = ${corporation.id} AND p.receivable_id = ANY(${sql.array(
      items.map((i) => i.receivableId),
      'uuid',
    )})
    ORDER BY p.received_at, p.id`);
  const archived = await listArchivedMessages(db, corporation.id, { caseId });
  const prints = new Map(
    (
      await db.any(sql.unsafe`
        SELECT l.message_id, l.batch_id, b.uploaded_at, l.file_name, l.pages, l.registered, l.corporation,
          (SELECT p.sha256 FROM message_parts p WHERE p.message_id = l.message_id AND p.part = 'pdf') AS sha256
        FROM print_letters l JOIN print_batches b ON b.id = l.batch_id
        WHERE l.corporation = ${corporation.id} AND l.message_id = ANY(${sql.array(
          archived.map((m) => m.id),
          'uuid',
        )})`)
    ).map((l) => [
      l.message_id as string,
      {
        batch: l.batch_id as string,
        uploadedAt: iso(l.uploaded_at),
        letterId: l.message_id as string,
        file: l.file_name as string,
        pages: l.pages as number,
        registered: l.registered as boolean,
        corporation: l.corporation as string,
        sha256: (l.sha256 as string | null) ?? null,
      } satisfies PrintManifestLine,
    ]),
  );
  const messages: EvidenceMessage[] = [];
  for (const m of archived) {
    const print = prints.get(m.id);
    messages.push({ ...m, ...(print ? { print } : {}), files: await readParts(db, links, m.id) });
  }
  const debtor = (c.debtor ?? {}) as {
    id?: string;
    name?: string;
    address?: { street: string; houseNumber: string; postalCode: string; city: string };
  };
  const a = debtor.address;
  return {
    corporation,
    caseId,
    flow: c.flow as string,
    status: c.status as string,
    startedAt: iso(c.started_at)!,
    endedAt: iso(c.ended_at),
    endReason: (c.end_reason as string | null) ?? null,
    currency: c.currency as string,
    debtor: {
      id: debtor.id ?? null,
      name: debtor.name ?? null,
      addressLines: a ? [`${a.street} ${a.houseNumber}`, `${a.postalCode} ${a.city}`] : [],
    },
    items: items.map((i) => ({ ...i, description: descriptions.get(i.receivableId) ?? null })),
    payments: payments.map((p) => ({
      paymentId: p.payment_id as string,
      receivable: p.external_id as string,
      amountCents: Number(p.amount_minor),
      paidAt: iso(p.paid_at),
      method: (p.method as string | null) ?? null,
      balanceAfterCents: Number(p.balance_after),
      receivedAt: iso(p.received_at)!,
    })),
    timeline: (c.timeline as CaseTimelineEntry[]) ?? [],
    messages,
    arrangements: await loadArrangements(db, corporation.id, { caseId }),
    ...collectionsOf(c.state as CaseState | null),
  };
}
