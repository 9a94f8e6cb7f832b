import { type DossierView, disputedExternalIds, dossierView } from '../../core/cases/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { CaseTimelineEntry } from '../dossiers/index.js';

export interface Timeline {
  externalId: string;
  kind: string;
  status: string;
  amount: number;
  balance: number;
  currency: string;
  dueDate: string;
  acceptedAt: string;
  cases: {
    id: string;
    flow: string;
    flowRevision: string;
    classification: string | null;
    status: string;
    startedAt: string;
    endedAt: string | null;
    endReason: string | null;
    /** What the flow did, one sentence per thing, oldest first. */
    timeline: CaseTimelineEntry[];
  }[];
  messages: {
    id: string;
    stepId: string | null;
    channel: string;
    channelType: string;
    template: string | null;
    status: string;
    subject: string | null;
    createdAt: string;
    sentAt: string | null;
  }[];
  steps: { stepId: string; kind: string; status: string; dueAt: string; reason: string | null }[];
  events: { seq: number; type: string; at: string; data: unknown }[];
  /**
   * The debtor's dossiers this receivable is or was an item of (ADR 0007): the dossier's current total
   * and open items, and when this receivable joined (and left, by a hand-over).
   */
  dossiers: {
    id: string;
    flow: string;
    status: string;
    total: number;
    count: number;
    items: DossierView['items'];
    joinedAt: string;
    leftAt: string | null;
  }[];
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** Everything that happened to one receivable of one corporation, oldest first. */
export async function loadTimeline(
  db: Database,
  corporation: string,
  externalId: string,
): Promise<Timeline | null> {
  const r = await db.maybeOne(sql.unsafe`
    SELECT id, external_id, kind, status, amount_minor, balance_minor, currency, due_date::text AS due_date, accepted_at
    FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}`);
  if (!r) return null;
  // The receivable's own cases and the dossiers it is an item of.
  const ofReceivable = sql.fragment`(c.receivable_id = ${r.id as string}
    OR c.id IN (SELECT case_id FROM case_items WHERE receivable_id = ${r.id as string}))
    AND c.corporation = ${corporation}`;
  const [cases, messages, steps, events, dossiers] = await Promise.all([
    db.any(sql.unsafe`SELECT c.* FROM cases c WHERE ${ofReceivable} ORDER BY c.started_at`),
    db.any(sql.unsafe`SELECT id, step_id, channel, channel_type, template, status, subject, created_at, sent_at
      FROM messages WHERE receivable_id = ${r.id} ORDER BY created_at`),
    db.any(sql.unsafe`SELECT s.step_id, s.kind, s.status, s.due_at, s.reason FROM steps s
      JOIN cases c ON c.id = s.case_id WHERE ${ofReceivable} ORDER BY s.due_at, s.created_at`),
    db.any(sql.unsafe`SELECT seq, type, at, data FROM events WHERE receivable_id = ${r.id} ORDER BY seq`),
    db.any(sql.unsafe`
      SELECT c.id, c.flow, c.status, ci.joined_at, ci.left_at, d.statuses,
        (SELECT coalesce(json_agg(json_build_object('input', r2.payload, 'balance', r2.balance_minor,
                  'status', r2.status)), '[]'::json)
         FROM case_items i2 JOIN receivables r2 ON r2.id = i2.receivable_id
         WHERE i2.case_id = c.id AND i2.left_at IS NULL) AS items
      FROM case_items ci JOIN cases c ON c.id = ci.case_id LEFT JOIN debtors d ON d.id = c.debtor_ref
      WHERE ci.receivable_id = ${r.id} AND c.corporation = ${corporation}
      ORDER BY ci.joined_at`),
  ]);
  return {
    externalId: r.external_id as string,
    kind: r.kind as string,
    status: r.status as string,
    amount: Number(r.amount_minor),
    balance: Number(r.balance_minor),
    currency: r.currency as string,
    dueDate: r.due_date as string,
    acceptedAt: iso(r.accepted_at)!,
    cases: cases.map((c) => ({
      id: c.id as string,
      flow: c.flow as string,
      flowRevision: c.flow_revision as string,
      classification: (c.classification as string) ?? null,
      status: c.status as string,
      startedAt: iso(c.started_at)!,
      endedAt: iso(c.ended_at),
      endReason: (c.end_reason as string) ?? null,
      timeline: c.timeline as CaseTimelineEntry[],
    })),
    messages: messages.map((m) => ({
      id: m.id as string,
      stepId: (m.step_id as string) ?? null,
      channel: m.channel as string,
      channelType: m.channel_type as string,
      template: (m.template as string) ?? null,
      status: m.status as string,
      subject: (m.subject as string) ?? null,
      createdAt: iso(m.created_at)!,
      sentAt: iso(m.sent_at),
    })),
    steps: steps.map((s) => ({
      stepId: s.step_id as string,
      kind: s.kind as string,
      status: s.status as string,
      dueAt: iso(s.due_at)!,
      reason: (s.reason as string) ?? null,
    })),
    events: events.map((e) => ({ seq: Number(e.seq), type: e.type as string, at: iso(e.at)!, data: e.data })),
    dossiers: dossiers.map((d) => {
      const items = (d.items as { input: ReceivableInput; balance: number; status: 'open' }[]).map((i) => ({
        ...i,
        balance: Number(i.balance),
      }));
      const view = dossierView(items, disputedExternalIds(d.statuses));
      return {
        id: d.id as string,
        flow: d.flow as string,
        status: d.status as string,
        total: view.total,
        count: view.count,
        items: view.items,
        joinedAt: iso(d.joined_at)!,
        leftAt: iso(d.left_at),
      };
    }),
  };
}
