// The outcome figures of docs/outcomes.md, set-based in Postgres: what core/outcomes computes per
// dossier and per message (last touch), summed per flow and per flow, step and channel for the dossiers
// of one corporation started in a window. tests/integration/outcomes.test.ts checks it against the pure
// function on the same history.
//
// A dossier's payments are the `payment.received` events of its receivables (the case's first and its
// case_items) at or after its start, at `paidAt` when the ERP gave one. It is paid in full when each of
// its receivables had a payment that brought that receivable's balance to 0 or below: at the last such.
// Arrangements: `arrangement.recorded`, or an ERP patch with an arrangement. Replies: the debtor's, from
// the start. Messages: sent messages of `send` steps (alerts to staff are not contacts).
import {
  COMPLAINT_REPLY_CLASSES,
  type FlowTotals,
  OUTCOME_WINDOWS,
  type OutcomeWindow,
  type PerWindow,
  type StepTotals,
} from '../../core/outcomes/index.js';
import { type Database, sql } from '../../platform/db/index.js';

export interface OutcomeQuery {
  corporation: string;
  /** Dossiers started at or after `from` and before `to`. */
  from: Date;
  to: Date;
  flow?: string;
  now: Date;
  /** Only dossiers whose final outcome has not gone on the feed yet. */
  unreported?: boolean;
}

const LONGEST = OUTCOME_WINDOWS[OUTCOME_WINDOWS.length - 1] as OutcomeWindow;

/** The rows every figure is summed from: per dossier (`dossier`) and per message (`owned`). */
function historyCte(q: OutcomeQuery) {
  return sql.fragment`
    d AS (
      SELECT c.id, c.flow, c.started_at, c.debtor_ref, c.receivable_id FROM cases c
      WHERE c.corporation = ${q.corporation}
        AND c.started_at >= ${q.from.toISOString()}::timestamptz AND c.started_at < ${q.to.toISOString()}::timestamptz
        ${q.flow === undefined ? sql.fragment`` : sql.fragment`AND c.flow = ${q.flow}`}
        ${q.unreported ? sql.fragment`AND c.outcome_reported_at IS NULL` : sql.fragment``}
    ), items AS (
      SELECT d.id AS case_id, d.receivable_id FROM d
      UNION SELECT ci.case_id, ci.receivable_id FROM case_items ci JOIN d ON d.id = ci.case_id
    ), pay AS (
      SELECT i.case_id, i.receivable_id, p.at, (e.data->>'amount')::bigint AS amount,
        (e.data->>'balance')::bigint <= 0 AS settles
      FROM items i JOIN d ON d.id = i.case_id
      JOIN events e ON e.receivable_id = i.receivable_id AND e.type = 'payment.received'
      CROSS JOIN LATERAL (SELECT coalesce((e.data->>'paidAt')::timestamptz, e.at) AS at) p
      WHERE p.at >= d.started_at
    ), item_settled AS (
      SELECT p.case_id, p.receivable_id, min(p.at) AS at FROM pay p WHERE p.settles GROUP BY 1, 2
    ), settled AS (
      SELECT i.case_id, CASE WHEN bool_and(s.at IS NOT NULL) THEN max(s.at) END AS at
      FROM items i LEFT JOIN item_settled s ON s.case_id = i.case_id AND s.receivable_id = i.receivable_id
      GROUP BY i.case_id
    ), msg AS (
      SELECT m.id, m.case_id, m.step_id, m.channel, m.sent_at, coalesce(m.cost_cents, 0) AS cost
      FROM messages m JOIN d ON d.id = m.case_id JOIN steps s ON s.id = m.step_row_id AND s.kind = 'send'
      WHERE m.sent_at IS NOT NULL
    ), arr AS (
      SELECT i.case_id, e.at FROM items i JOIN d ON d.id = i.case_id
      JOIN events e ON e.receivable_id = i.receivable_id
      WHERE e.at >= d.started_at
        AND (e.type = 'arrangement.recorded' OR (e.type = 'receivable.updated' AND e.data ? 'arrangement'))
    ), rep AS (
      SELECT d.id AS case_id, r.received_at AS at, r.message_id,
        r.class = ANY(${sql.array([...COMPLAINT_REPLY_CLASSES], 'text')}) AS complaint
      FROM d JOIN replies r ON r.debtor_ref = d.debtor_ref AND r.received_at >= d.started_at
    ), ev AS (
      -- One timeline per dossier: its messages first at an instant, then what followed them.
      SELECT m.case_id, m.sent_at AS at, 0 AS ord, 'msg' AS what, m.id AS message_id, 0::bigint AS amount,
        false AS settles, false AS complaint, NULL::uuid AS answers
      FROM msg m
      UNION ALL
      SELECT p.case_id, p.at, 1, 'pay', NULL, p.amount, (p.settles AND p.at = st.at), false, NULL
      FROM pay p JOIN settled st ON st.case_id = p.case_id
      UNION ALL
      SELECT a.case_id, a.at, 1, 'arr', NULL, 0, false, false, NULL FROM arr a
      UNION ALL
      SELECT r.case_id, r.at, 1, 'rep', NULL, 0, false, r.complaint, r.message_id FROM rep r
    ), grouped AS (
      SELECT ev.*, count(ev.message_id) OVER (PARTITION BY ev.case_id ORDER BY ev.at, ev.ord
        ROWS UNBOUNDED PRECEDING) AS grp
      FROM ev
    ), touched AS (
      SELECT g.*, first_value(g.message_id) OVER (PARTITION BY g.case_id, g.grp ORDER BY g.ord) AS last_message
      FROM grouped g
    ), owned AS (
      -- Last touch: each payment, arrangement and reply with the message it belongs to (a reply: the
      -- message it answers when that is one of the dossier's).
      SELECT t.what, t.case_id, t.at, t.amount, t.settles, t.complaint,
        coalesce(answered.id, t.last_message) AS message_id
      FROM touched t LEFT JOIN msg answered ON answered.id = t.answers AND answered.case_id = t.case_id
      WHERE t.what <> 'msg'
    )`;
}

/** The figures of one dossier or message from its rows `w` of owned: the clock starts at `t0`. */
function sums(t0: 'dossier' | 'message') {
  const start = t0 === 'dossier' ? sql.fragment`d.started_at` : sql.fragment`m.sent_at`;
  const within = (days: number) => sql.fragment`w.at <= ${start} + make_interval(days => ${days})`;
  return sql.join(
    [
      ...OUTCOME_WINDOWS.flatMap((days) => [
        sql.fragment`bool_or(w.what = 'pay' AND w.settles AND ${within(days)}) AS ${sql.identifier([`full_${days}`])}`,
        sql.fragment`bool_or(w.what = 'pay' AND w.amount > 0 AND ${within(days)}) AS ${sql.identifier([`any_${days}`])}`,
      ]),
      sql.fragment`coalesce(sum(w.amount) FILTER (WHERE w.what = 'pay'), 0) AS recovered`,
      sql.fragment`coalesce(bool_or(w.what = 'arr'), false) AS arrangement`,
      sql.fragment`coalesce(bool_or(w.what = 'rep'), false) AS replied`,
      sql.fragment`coalesce(bool_or(w.complaint), false) AS complaint`,
    ],
    sql.fragment`, `,
  );
}

/** The summed columns over per-dossier or per-message rows `x`. */
function totals() {
  return sql.join(
    [
      ...OUTCOME_WINDOWS.flatMap((days) => [
        sql.fragment`count(*) FILTER (WHERE x.${sql.identifier([`full_${days}`])})::int AS ${sql.identifier([`paid_in_full_${days}`])}`,
        sql.fragment`count(*) FILTER (WHERE x.${sql.identifier([`any_${days}`])} AND NOT coalesce(x.${sql.identifier([`full_${days}`])}, false))::int AS ${sql.identifier([`paid_partly_${days}`])}`,
      ]),
      sql.fragment`coalesce(sum(x.recovered), 0)::bigint AS recovered`,
      sql.fragment`count(*) FILTER (WHERE x.arrangement)::int AS arrangements`,
      sql.fragment`count(*) FILTER (WHERE x.replied)::int AS replies`,
      sql.fragment`count(*) FILTER (WHERE x.complaint)::int AS complaints`,
      sql.fragment`coalesce(sum(x.cost), 0)::float8 AS cost_cents`,
    ],
    sql.fragment`, `,
  );
}

type Row = Record<string, unknown>;

function totalsOf(r: Row) {
  const per = (prefix: string) =>
    Object.fromEntries(OUTCOME_WINDOWS.map((d) => [d, Number(r[`${prefix}_${d}`])])) as PerWindow<number>;
  return {
    paidInFull: per('paid_in_full'),
    paidPartly: per('paid_partly'),
    recovered: Number(r.recovered),
    arrangements: Number(r.arrangements),
    replies: Number(r.replies),
    complaints: Number(r.complaints),
    costCents: Math.round(Number(r.cost_cents) * 100) / 100,
  };
}

/** Per dossier: its figures (x), from the history CTE. */
function dossierRows(q: OutcomeQuery) {
  return sql.fragment`
    WITH ${historyCte(q)}, o AS (
      SELECT w.case_id, ${sums('dossier')} FROM owned w JOIN d ON d.id = w.case_id GROUP BY w.case_id
    ), spent AS (
      SELECT m.case_id, sum(m.cost) AS cost, count(*)::int AS messages FROM msg m GROUP BY m.case_id
    ), x AS (
      SELECT d.id, d.flow, d.receivable_id, st.at AS paid_at,
        st.at IS NOT NULL OR d.started_at + make_interval(days => ${LONGEST}) < ${q.now.toISOString()}::timestamptz AS final,
        coalesce(spent.cost, 0) AS cost, coalesce(spent.messages, 0) AS messages, o.*
      FROM d JOIN settled st ON st.case_id = d.id
      LEFT JOIN spent ON spent.case_id = d.id
      LEFT JOIN o ON o.case_id = d.id
    )`;
}

export async function flowOutcomes(db: Database, q: OutcomeQuery): Promise<FlowTotals[]> {
  const rows = await db.any(sql.unsafe`
    ${dossierRows(q)}
    SELECT x.flow, count(*)::int AS dossiers, count(*) FILTER (WHERE x.final)::int AS final, ${totals()}
    FROM x GROUP BY x.flow ORDER BY x.flow`);
  return (rows as Row[]).map((r) => ({
    flow: String(r.flow),
    dossiers: Number(r.dossiers),
    final: Number(r.final),
    ...totalsOf(r),
  }));
}

export interface FinalOutcome {
  caseId: string;
  receivableId: string;
  externalId: string;
  flow: string;
  data: {
    paidInFullWithin: PerWindow<boolean>;
    paidPartlyWithin: PerWindow<boolean>;
    recovered: number;
    arrangement: boolean;
    replied: boolean;
    complaint: boolean;
    costCents: number;
    messages: number;
  };
}

/** The dossiers of `q` whose outcome is final and not on the feed yet, with their figures. */
export async function finalOutcomes(db: Database, q: OutcomeQuery, limit: number): Promise<FinalOutcome[]> {
  const rows = await db.any(sql.unsafe`
    ${dossierRows({ ...q, unreported: true })}
    SELECT x.*, r.external_id FROM x JOIN receivables r ON r.id = x.receivable_id
    WHERE x.final ORDER BY x.id LIMIT ${limit}`);
  return (rows as Row[]).map((r) => {
    const per = (prefix: string, and: (d: number) => boolean = () => true) =>
      Object.fromEntries(
        OUTCOME_WINDOWS.map((d) => [d, r[`${prefix}_${d}`] === true && and(d)]),
      ) as PerWindow<boolean>;
    const full = per('full');
    return {
      caseId: String(r.id),
      receivableId: String(r.receivable_id),
      externalId: String(r.external_id),
      flow: String(r.flow),
      data: {
        paidInFullWithin: full,
        paidPartlyWithin: per('any', (d) => !full[d as OutcomeWindow]),
        recovered: Number(r.recovered ?? 0),
        arrangement: r.arrangement === true,
        replied: r.replied === true,
        complaint: r.complaint === true,
        costCents: Math.round(Number(r.cost) * 100) / 100,
        messages: Number(r.messages),
      },
    };
  });
}

export async function stepOutcomes(db: Database, q: OutcomeQuery): Promise<StepTotals[]> {
  const rows = await db.any(sql.unsafe`
    WITH ${historyCte(q)}, o AS (
      SELECT w.message_id, ${sums('message')} FROM owned w JOIN msg m ON m.id = w.message_id GROUP BY w.message_id
    ), x AS (
      SELECT m.id, d.flow, m.step_id, m.channel, m.cost, o.*
      FROM msg m JOIN d ON d.id = m.case_id
      LEFT JOIN o ON o.message_id = m.id
    )
    SELECT x.flow, x.step_id, x.channel, count(*)::int AS messages, ${totals()}
    FROM x GROUP BY x.flow, x.step_id, x.channel ORDER BY x.flow, x.step_id, x.channel`);
  return (rows as Row[]).map((r) => ({
    flow: String(r.flow),
    step: String(r.step_id),
    channel: String(r.channel),
    messages: Number(r.messages),
    ...totalsOf(r),
  }));
}
