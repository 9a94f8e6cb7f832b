// The console's overviews, each one set-based query over the corporation's own rows:
// - per flow and classification: open dossiers, the open amount in them, and how many of the items that
//   entered a dossier at least 14 (30) days ago were paid in full within 14 (30) days of entering it
//   (the moment of the payment that brought the balance to 0: its paidAt, else when it was reported);
// - per campaign (meter readings: kind meter-reading; contact data: kind enrichment) and complex
//   (the receivable's optional `complex`): digital (the tenant's form), paper (entered by staff: the
//   console or POST /v1/forms/meter-readings) or missing; digital counts when both arrived.
// Indexes of migration 027 keep each join an index lookup.
import { type Database, sql } from '../../platform/db/index.js';
import { CAMPAIGN_KINDS, type Campaign } from '../forms/index.js';

export interface FlowRow {
  flow: string;
  classification: string;
  openDossiers: number;
  openCents: number;
  due14: number;
  paid14: number;
  due30: number;
  paid30: number;
}

export async function flowOverview(db: Database, corporation: string, now: Date): Promise<FlowRow[]> {
  const rows = await db.any(sqlFlowOverview(corporation, now));
  return rows.map((r) => ({
    flow: r.flow as string,
    classification: r.classification as string,
    openDossiers: Number(r.open_dossiers),
    openCents: Number(r.open_cents),
    due14: Number(r.due14),
    paid14: Number(r.paid14),
    due30: Number(r.due30),
    paid30: Number(r.paid30),
  }));
}

/** The query behind flowOverview (bench/console-overview.ts explains it). */
export function sqlFlowOverview(corporation: string, now: Date) {
  const at = now.toISOString();
  return sql.unsafe`
    WITH items AS (
      SELECT c.id AS case_id, c.flow, c.classification, c.status, ci.receivable_id, ci.joined_at, ci.left_at
      FROM cases c JOIN case_items ci ON ci.case_id = c.id
      WHERE c.corporation = ${corporation} AND c.scope = 'debtor'
      UNION ALL
      SELECT c.id, c.flow, c.classification, c.status, c.receivable_id, c.started_at, NULL
      FROM cases c WHERE c.corporation = ${corporation} AND c.scope = 'receivable'
    ), settled AS (
      SELECT p.receivable_id, min(coalesce(p.paid_at, p.received_at)) AS at
      FROM payments p WHERE p.corporation = ${corporation} AND p.balance_after = 0 GROUP BY p.receivable_id
    ), judged AS (
      SELECT i.*, r.status AS item_status, r.balance_minor, s.at AS paid_at,
        ${at}::timestamptz - i.joined_at AS age, s.at - i.joined_at AS took
      FROM items i JOIN receivables r ON r.id = i.receivable_id LEFT JOIN settled s ON s.receivable_id = r.id
    ), per_item AS (
      SELECT flow, coalesce(classification, '') AS classification,
        coalesce(sum(balance_minor) FILTER (WHERE status IN ('active', 'paused') AND left_at IS NULL
          AND item_status IN ('open', 'paused')), 0) AS open_cents,
        count(*) FILTER (WHERE age >= interval '14 days') AS due14,
        count(*) FILTER (WHERE age >= interval '14 days' AND item_status = 'paid' AND took <= interval '14 days') AS paid14,
        count(*) FILTER (WHERE age >= interval '30 days') AS due30,
        count(*) FILTER (WHERE age >= interval '30 days' AND item_status = 'paid' AND took <= interval '30 days') AS paid30
      FROM judged GROUP BY flow, coalesce(classification, '')
    ), per_case AS (
      SELECT flow, coalesce(classification, '') AS classification,
        count(*) FILTER (WHERE status IN ('active', 'paused')) AS open_dossiers
      FROM cases WHERE corporation = ${corporation} GROUP BY flow, coalesce(classification, '')
    )
    SELECT flow, classification, open_dossiers, coalesce(open_cents, 0) AS open_cents, coalesce(due14, 0) AS due14,
      coalesce(paid14, 0) AS paid14, coalesce(due30, 0) AS due30, coalesce(paid30, 0) AS paid30
    FROM per_case LEFT JOIN per_item USING (flow, classification) ORDER BY flow, classification`;
}

export type Answer = 'digital' | 'paper' | 'missing';

export interface CampaignRow {
  complex: string;
  externalId: string;
  debtorId: string;
  answer: Answer;
  /** The meter reading (meter campaign), when one arrived. */
  meterNumber: string | null;
  reading: number | null;
  readOn: string | null;
  answeredAt: Date | null;
}

export interface ComplexRow {
  complex: string;
  digital: number;
  paper: number;
  missing: number;
}

/** Each campaign receivable with its answer: the tenant's own first, else the newest paper one. */
function answered(corporation: string, campaign: Campaign) {
  const kind = CAMPAIGN_KINDS[campaign];
  const answers =
    campaign === 'meter'
      ? sql.fragment`SELECT receivable_id, source, submitted_at, meter_number, reading, read_on::text AS read_on
          FROM meter_readings WHERE corporation = ${corporation} AND receivable_id IS NOT NULL`
      : sql.fragment`SELECT receivable_id, source, submitted_at, NULL::text AS meter_number,
          NULL::bigint AS reading, NULL::text AS read_on
          FROM contact_updates WHERE corporation = ${corporation} AND receivable_id IS NOT NULL`;
  return sql.fragment`
    WITH campaign AS (
      SELECT r.id, r.external_id, coalesce(r.payload ->> 'complex', '') AS complex,
        coalesce(r.debtor ->> 'id', '') AS debtor_id
      FROM receivables r WHERE r.corporation = ${corporation} AND r.kind = ${kind}
    ), answers AS (
      SELECT DISTINCT ON (a.receivable_id) a.receivable_id,
        CASE WHEN a.source = 'tenant' THEN 'digital' ELSE 'paper' END AS answer,
        a.submitted_at, a.meter_number, a.reading, a.read_on
      FROM (${answers}) a
      WHERE a.source IN ('tenant', 'paper', 'staff') AND a.receivable_id IN (SELECT id FROM campaign)
      ORDER BY a.receivable_id, (a.source = 'tenant') DESC, a.submitted_at DESC
    ), rows AS (
      SELECT c.complex, c.external_id, c.debtor_id, coalesce(a.answer, 'missing') AS answer,
        a.meter_number, a.reading, a.read_on, a.submitted_at
      FROM campaign c LEFT JOIN answers a ON a.receivable_id = c.id
    )`;
}

export async function campaignByComplex(
  db: Database,
  corporation: string,
  campaign: Campaign,
): Promise<ComplexRow[]> {
  const rows = await db.any(sql.unsafe`${answered(corporation, campaign)}
    SELECT complex, count(*) FILTER (WHERE answer = 'digital') AS digital,
      count(*) FILTER (WHERE answer = 'paper') AS paper, count(*) FILTER (WHERE answer = 'missing') AS missing
    FROM rows GROUP BY complex ORDER BY complex`);
  return rows.map((r) => ({
    complex: r.complex as string,
    digital: Number(r.digital),
    paper: Number(r.paper),
    missing: Number(r.missing),
  }));
}

export async function campaignRows(
  db: Database,
  corporation: string,
  campaign: Campaign,
  limit: number,
): Promise<CampaignRow[]> {
  const rows = await db.any(sql.unsafe`${answered(corporation, campaign)}
    SELECT * FROM rows ORDER BY complex, answer, external_id LIMIT ${limit}`);
  return rows.map((r) => ({
    complex: r.complex as string,
    externalId: r.external_id as string,
    debtorId: r.debtor_id as string,
    answer: r.answer as Answer,
    meterNumber: (r.meter_number as string | null) ?? null,
    reading: r.reading === null ? null : Number(r.reading),
    readOn: (r.read_on as string | null) ?? null,
    answeredAt: (r.submitted_at as Date | null) ?? null,
  }));
}
