// The arrangements and promises to pay of a debtor's dossiers, for GET /v1/debtors/{debtorId}: each
// plan with who made it, its instalments, how much of each is paid (payments matched oldest term first,
// as the dossier matched them: core/law allocateToTerms) and how it ended.
import type { CaseArrangement } from '../../core/engine/index.js';
import { allocateToTerms } from '../../core/law/index.js';
import { type Database, sql } from '../../platform/db/index.js';

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export const arrangementViewSchema = {
  type: 'array',
  description:
    'Payment arrangements and promises to pay of the dossiers, oldest first (docs/collections-law.md § 3).',
  items: {
    type: 'object',
    required: ['dossierId', 'kind', 'source', 'status', 'total', 'graceDays', 'madeOn', 'terms'],
    properties: {
      dossierId: { type: 'string' },
      externalId: { type: 'string' },
      kind: { type: 'string', enum: ['plan', 'promise'] },
      source: { type: 'string', enum: ['erp', 'console', 'tenant'] },
      reference: { type: ['string', 'null'] },
      status: { type: 'string', enum: ['running', 'completed', 'broken', 'replaced', 'ended'] },
      total: { type: 'integer', description: 'Cents.' },
      paid: { type: 'integer', description: 'Cents paid towards it (completed: the total).' },
      graceDays: { type: 'integer' },
      madeOn: { type: 'string', format: 'date' },
      endedAt: { type: ['string', 'null'], format: 'date-time' },
      terms: {
        type: 'array',
        items: {
          type: 'object',
          required: ['term', 'dueOn', 'amount', 'paid'],
          properties: {
            term: { type: 'integer' },
            dueOn: { type: 'string', format: 'date' },
            amount: { type: 'integer', description: 'Cents.' },
            paid: { type: 'integer', description: 'Cents of it paid.' },
          },
        },
      },
    },
  },
} as const;

export async function loadArrangements(db: Database, corporation: string, debtorRef: string) {
  const rows = await db.any(sql.unsafe`
    SELECT a.id, a.case_id, r.external_id, a.kind, a.source, a.reference, a.status, a.total_minor,
      a.grace_days, a.made_on::text AS made_on, a.ended_at, c.state->'arrangement' AS running,
      (SELECT json_agg(json_build_object('term', t.term, 'dueOn', t.due_on::text, 'amount', t.amount_minor)
               ORDER BY t.term)
       FROM arrangement_terms t WHERE t.arrangement_id = a.id) AS terms
    FROM arrangements a JOIN receivables r ON r.id = a.receivable_id JOIN cases c ON c.id = a.case_id
    WHERE r.debtor_ref = ${debtorRef} AND a.corporation = ${corporation}
    ORDER BY a.created_at, a.id`);
  return rows.map((a) => {
    const terms = (a.terms ?? []) as { term: number; dueOn: string; amount: number }[];
    const total = Number(a.total_minor);
    const running = a.status === 'running' ? (a.running as CaseArrangement | null) : null;
    const paid =
      a.status === 'completed' ? total : (running?.payments ?? []).reduce((sum, p) => sum + p.amountCents, 0);
    const perTerm = allocateToTerms(
      terms.map((t) => Number(t.amount)),
      paid,
    );
    return {
      dossierId: a.case_id as string,
      externalId: a.external_id as string,
      kind: a.kind as string,
      source: a.source as string,
      reference: (a.reference as string | null) ?? null,
      status: a.status as string,
      total,
      paid,
      graceDays: Number(a.grace_days),
      madeOn: a.made_on as string,
      endedAt: iso(a.ended_at),
      terms: terms.map((t, i) => ({
        term: t.term,
        dueOn: t.dueOn,
        amount: Number(t.amount),
        paid: perTerm[i]!,
      })),
    };
  });
}
