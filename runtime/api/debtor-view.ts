// GET /v1/debtors/{debtorId}: the whole picture of one debtor of one corporation, for a call centre and
// the ERP — contact, statuses, opt-outs, open receivables with their balances and the total, dossiers with
// their flow, status, next step, 14-day letter and costs added, messages to the debtor (not consultant
// alerts) with what tracking saw, payments, and the payment arrangements and promises to pay of its dossiers.
import { type DebtorStatuses, disputedItems } from '../../core/debtors/index.js';
import type { CostLine, NoticeRecord } from '../../core/engine/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { loadArrangements } from '../dossiers/index.js';
import { arrangementViewSchema } from './arrangement-view.js';

/** A dossier's 14-day letter and the statutory costs added to it (docs/collections-law.md § 9). */
const collectionsOf = (notice: NoticeRecord | null, costs: CostLine[]) => ({
  notice: notice
    ? {
        sentOn: notice.sentOn,
        deadline: notice.deadline,
        costs: notice.costsCents,
        voided: notice.voided ?? null,
      }
    : null,
  costs: costs.reduce((sum, l) => sum + l.amountCents, 0),
});

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export const debtorViewSchema = {
  $id: 'Debtor',
  type: 'object',
  required: ['debtorId', 'contact', 'statuses', 'optOuts', 'open', 'dossiers', 'messages', 'payments'],
  properties: {
    debtorId: { type: 'string' },
    householdId: { type: ['string', 'null'] },
    contact: { type: 'object', description: 'Current contact details (the newest ERP data or PATCH).' },
    statuses: { type: 'object', description: 'deceased, debtAssistance, dispute: set ones only.' },
    optOuts: { type: 'array', items: { type: 'string' } },
    open: {
      type: 'object',
      required: ['total', 'receivables'],
      properties: {
        total: { type: 'integer', description: 'Sum of the open balances, disputed items left out (cents).' },
        receivables: { type: 'array', items: { type: 'object' } },
      },
    },
    dossiers: { type: 'array', items: { type: 'object' } },
    messages: { type: 'array', items: { type: 'object' } },
    payments: { type: 'array', items: { type: 'object' } },
    arrangements: arrangementViewSchema,
  },
} as const;

export async function loadDebtorView(db: Database, corporation: string, debtorId: string) {
  const d = await db.maybeOne(sql.unsafe`
    SELECT id, contact, statuses, opt_outs, household_id FROM debtors
    WHERE corporation = ${corporation} AND debtor_id = ${debtorId}`);
  if (!d) return null;
  const [arrangements, receivables, dossiers, messages, payments] = await Promise.all([
    loadArrangements(db, corporation, { debtorRef: d.id as string }),
    db.any(sql.unsafe`
      SELECT external_id, kind, status, amount_minor, balance_minor, currency, due_date::text AS due_date, description
      FROM receivables WHERE debtor_ref = ${d.id} AND corporation = ${corporation} AND status IN ('open', 'paused')
      ORDER BY due_date, external_id`),
    db.any(sql.unsafe`
      SELECT c.id, c.flow, c.status, c.scope, c.started_at, c.ended_at, c.end_reason, r.external_id,
        c.state->>'pendingStepId' AS next_step, c.state->>'pendingAt' AS next_at,
        c.state->'notice' AS notice, coalesce(c.state->'costs', '[]'::jsonb) AS costs
      FROM cases c JOIN receivables r ON r.id = c.receivable_id
      WHERE r.debtor_ref = ${d.id} AND c.corporation = ${corporation} ORDER BY c.started_at, c.id`),
    db.any(sql.unsafe`
      SELECT m.id, r.external_id, m.channel, m.channel_type, m.template, m.status, m.created_at, m.sent_at,
        coalesce((SELECT array_agg(DISTINCT h.status ORDER BY h.status) FROM message_status_history h
                  WHERE h.message_id = m.id), '{}') AS tracking
      FROM messages m JOIN receivables r ON r.id = m.receivable_id
      WHERE r.debtor_ref = ${d.id} AND m.corporation = ${corporation}
        AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.id = m.step_row_id AND s.kind = 'alert')
      ORDER BY m.created_at`),
    db.any(sql.unsafe`
      SELECT p.payment_id, r.external_id, p.amount_minor, p.paid_at, p.method, p.balance_after
      FROM payments p JOIN receivables r ON r.id = p.receivable_id
      WHERE r.debtor_ref = ${d.id} AND p.corporation = ${corporation} ORDER BY p.received_at, p.id`),
  ]);
  const statuses = d.statuses as unknown as DebtorStatuses;
  const disputed = new Set(
    disputedItems(
      statuses,
      receivables.map((r) => r.external_id as string),
    ),
  );
  return {
    debtorId,
    householdId: (d.household_id as string | null) ?? null,
    contact: d.contact,
    statuses,
    optOuts: d.opt_outs as unknown as string[],
    open: {
      total: receivables
        .filter((r) => !disputed.has(r.external_id as string))
        .reduce((sum, r) => sum + Number(r.balance_minor), 0),
      receivables: receivables.map((r) => ({
        externalId: r.external_id,
        kind: r.kind,
        status: r.status,
        amount: Number(r.amount_minor),
        balance: Number(r.balance_minor),
        currency: r.currency,
        dueDate: r.due_date,
        description: r.description ?? null,
        disputed: disputed.has(r.external_id as string),
      })),
    },
    dossiers: dossiers.map((c) => ({
      id: c.id,
      flow: c.flow,
      scope: c.scope,
      status: c.status,
      externalId: c.external_id,
      startedAt: iso(c.started_at),
      endedAt: iso(c.ended_at),
      endReason: c.end_reason ?? null,
      nextStep: c.status === 'active' && c.next_step ? { stepId: c.next_step, at: c.next_at } : null,
      ...collectionsOf(c.notice as NoticeRecord | null, c.costs as unknown as CostLine[]),
    })),
    messages: messages.map((m) => ({
      id: m.id,
      externalId: m.external_id,
      channel: m.channel,
      channelType: m.channel_type,
      template: m.template ?? null,
      status: m.status,
      tracking: m.tracking,
      createdAt: iso(m.created_at),
      sentAt: iso(m.sent_at),
    })),
    payments: payments.map((p) => ({
      paymentId: p.payment_id,
      externalId: p.external_id,
      amount: Number(p.amount_minor),
      paidAt: iso(p.paid_at),
      method: p.method ?? null,
      balanceAfter: Number(p.balance_after),
    })),
    arrangements,
  };
}
