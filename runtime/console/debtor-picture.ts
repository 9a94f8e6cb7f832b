// Everything the debtor page shows, read in one place (`DebtorPicture`): the debtors row (contact
// details, opt-outs, statuses), the open receivables and their total, the dossiers (cases) with their
// flow, current step and next planned contact, every message with its tracking marks (the archive's
// status history), payments, arrangements and notes. Always within one corporation.
import { type Database, sql } from '../../platform/db/index.js';
import { type ArchivedMessage, listArchivedMessages } from '../archive/index.js';
import { type ArrangementView, loadArrangements } from '../dossiers/index.js';

export interface DebtorPicture {
  ref: string;
  debtorId: string;
  contact: {
    name?: string;
    email?: string;
    phone?: string;
    address?: unknown;
    locale?: string;
    preferredChannel?: string;
  };
  optOuts: string[];
  statuses: Record<string, unknown>;
  receivables: {
    externalId: string;
    kind: string;
    status: string;
    balance: number;
    currency: string;
    dueDate: string;
    paymentReference: string | null;
  }[];
  openTotal: number;
  cases: {
    id: string;
    externalId: string;
    flow: string;
    status: string;
    currentStep: string | null;
    next: { stepId: string; kind: string; dueAt: string; reason: string | null } | null;
  }[];
  messages: (ArchivedMessage & { marks: string[] })[];
  payments: { externalId: string; amount: number; paidAt: string | null; recordedAt: string }[];
  /** The arrangements and promises to pay of its dossiers with their instalments (runtime/dossiers). */
  arrangements: ArrangementView[];
  notes: { author: string; body: string; at: string }[];
}

/** The marks a message's history earned, in the order the console shows them. */
export const MARKS = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'failed', 'paid'] as const;

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export async function debtorPicture(
  db: Database,
  corporation: string,
  debtorId: string,
): Promise<DebtorPicture | undefined> {
  const d = await db.maybeOne(sql.unsafe`
    SELECT id, debtor_id, contact, opt_outs, statuses FROM debtors
    WHERE corporation = ${corporation} AND debtor_id = ${debtorId}`);
  if (!d) return undefined;
  const ref = d.id as string;
  const [receivables, cases, payments, arrangements, notes, messages] = await Promise.all([
    db.any(sql.unsafe`
      SELECT external_id, kind, status, balance_minor, currency, due_date::text AS due_date, payment_reference
      FROM receivables WHERE corporation = ${corporation} AND debtor_ref = ${ref} ORDER BY due_date, external_id`),
    db.any(sql.unsafe`
      SELECT c.id, r.external_id, c.flow, c.status,
        (SELECT s.step_id FROM steps s WHERE s.case_id = c.id AND s.status IN ('claimed', 'sent', 'skipped', 'failed')
         ORDER BY s.due_at DESC LIMIT 1) AS current_step,
        (SELECT jsonb_build_object('stepId', s.step_id, 'kind', s.kind, 'dueAt', s.due_at, 'reason', s.reason)
         FROM steps s WHERE s.case_id = c.id AND s.status = 'scheduled' ORDER BY s.due_at LIMIT 1) AS next
      FROM cases c JOIN receivables r ON r.id = c.receivable_id
      WHERE c.corporation = ${corporation} AND r.debtor_ref = ${ref} ORDER BY c.started_at`),
    db.any(sql.unsafe`
      SELECT r.external_id, p.amount_minor, p.paid_at, p.received_at FROM payments p
      JOIN receivables r ON r.id = p.receivable_id
      WHERE p.corporation = ${corporation} AND r.debtor_ref = ${ref} ORDER BY p.received_at`),
    loadArrangements(db, corporation, { debtorRef: ref }),
    db.any(sql.unsafe`
      SELECT coalesce(author_name, author) AS author, body, created_at FROM console_notes
      WHERE corporation = ${corporation} AND debtor_ref = ${ref} ORDER BY created_at DESC`),
    listArchivedMessages(db, corporation, { debtorId }),
  ]);
  const paidReceivables = new Set(
    receivables.filter((r) => r.status === 'paid').map((r) => r.external_id as string),
  );
  return {
    ref,
    debtorId: d.debtor_id as string,
    contact: d.contact as DebtorPicture['contact'],
    optOuts: d.opt_outs as string[],
    statuses: d.statuses as Record<string, unknown>,
    receivables: receivables.map((r) => ({
      externalId: r.external_id as string,
      kind: r.kind as string,
      status: r.status as string,
      balance: Number(r.balance_minor),
      currency: r.currency as string,
      dueDate: r.due_date as string,
      paymentReference: (r.payment_reference as string | null) ?? null,
    })),
    openTotal: receivables
      .filter((r) => r.status === 'open' || r.status === 'paused')
      .reduce((sum, r) => sum + Number(r.balance_minor), 0),
    cases: cases.map((c) => {
      const next = c.next as { stepId: string; kind: string; dueAt: string; reason: string | null } | null;
      return {
        id: c.id as string,
        externalId: c.external_id as string,
        flow: c.flow as string,
        status: c.status as string,
        currentStep: (c.current_step as string | null) ?? null,
        next: next ? { ...next, dueAt: iso(next.dueAt)! } : null,
      };
    }),
    messages: messages.map((m) => ({ ...m, marks: marksOf(m, paidReceivables) })),
    payments: payments.map((p) => ({
      externalId: p.external_id as string,
      amount: Number(p.amount_minor),
      paidAt: iso(p.paid_at),
      recordedAt: iso(p.received_at)!,
    })),
    arrangements,
    notes: notes.map((n) => ({ author: n.author as string, body: n.body as string, at: iso(n.created_at)! })),
  };
}

/** What happened to a message as far as the street knows it: never a mark its history does not hold. */
export function marksOf(m: ArchivedMessage, paidReceivables: ReadonlySet<string>): string[] {
  const seen = new Set(m.history.map((h) => h.status));
  if (m.sentAt) seen.add('sent');
  if (m.receivable && paidReceivables.has(m.receivable)) seen.add('paid');
  return MARKS.filter((mark) => seen.has(mark));
}
