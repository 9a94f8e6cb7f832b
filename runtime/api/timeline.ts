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
  const [cases, messages, steps, events] = await Promise.all([
    db.any(sql.unsafe`SELECT * FROM cases WHERE receivable_id = ${r.id} ORDER BY started_at`),
    db.any(sql.unsafe`SELECT id, step_id, channel, channel_type, template, status, subject, created_at, sent_at
      FROM messages WHERE receivable_id = ${r.id} ORDER BY created_at`),
    db.any(sql.unsafe`SELECT s.step_id, s.kind, s.status, s.due_at, s.reason FROM steps s
      JOIN cases c ON c.id = s.case_id WHERE c.receivable_id = ${r.id} ORDER BY s.due_at, s.created_at`),
    db.any(sql.unsafe`SELECT seq, type, at, data FROM events WHERE receivable_id = ${r.id} ORDER BY seq`),
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
  };
}
