// The arrangements and promises to pay of a debtor (GET /v1/debtors/{debtorId}, the console's debtor page)
// or of one dossier (the evidence file): each plan with who made it, its instalments, how much of each is
// paid (payments matched oldest term first, as the dossier matched them: core/law allocateToTerms) and how
// it ended. One reader for all three.
import type { CommonQueryMethods } from 'slonik';
import type { CaseArrangement } from '../../core/engine/index.js';
import { allocateToTerms } from '../../core/law/index.js';
import { sql } from '../../platform/db/index.js';

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export interface ArrangementTermView {
  term: number;
  dueOn: string;
  amount: number;
  paid: number;
}

export interface ArrangementView {
  dossierId: string;
  externalId: string;
  kind: string;
  source: string;
  reference: string | null;
  status: string;
  total: number;
  paid: number;
  graceDays: number;
  madeOn: string;
  endedAt: string | null;
  terms: ArrangementTermView[];
}

/** The corporation's arrangements of one debtor or of one dossier, oldest first. */
export async function loadArrangements(
  db: CommonQueryMethods,
  corporation: string,
  of: { debtorRef: string } | { caseId: string },
): Promise<ArrangementView[]> {
  const which =
    'caseId' in of ? sql.unsafe`a.case_id = ${of.caseId}` : sql.unsafe`r.debtor_ref = ${of.debtorRef}`;
  const rows = await db.any(sql.unsafe`
    SELECT a.id, a.case_id, r.external_id, a.kind, a.source, a.reference, a.status, a.total_minor,
      a.grace_days, a.made_on::text AS made_on, a.ended_at, c.state->'arrangement' AS running,
      (SELECT json_agg(json_build_object('term', t.term, 'dueOn', t.due_on::text, 'amount', t.amount_minor)
               ORDER BY t.term)
       FROM arrangement_terms t WHERE t.arrangement_id = a.id) AS terms
    FROM arrangements a JOIN receivables r ON r.id = a.receivable_id JOIN cases c ON c.id = a.case_id
    WHERE ${which} AND a.corporation = ${corporation}
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
