// The street's own history as replay records (core/replay, docs/outcomes.md "Replay"): per receivable
// accepted in a window, the receivable as the ERP posted it, its payments on their real dates, the
// events of its messages (bounced, delivered, opened, clicked, failed — machine opens and clicks are not
// among them) and what the street sent. Read in pages by (accepted_at, id), so an export of 100,000
// receivables never holds more than one page.
import type { RecordedEvent, ReplayRecord } from '../../core/replay/index.js';
import { type Database, sql } from '../../platform/db/index.js';

const PAGE = 500;

interface Row {
  id: string;
  accepted_at: number;
  /** accepted_at at full (microsecond) precision, for the next page. */
  cursor_at: string;
  payload: ReplayRecord['receivable'];
  events: RecordedEvent[] | null;
  sent: ReplayRecord['sent'] | null;
  alerts: ReplayRecord['alerts'] | null;
}

const iso = (column: string) =>
  sql.fragment`to_char(${sql.identifier(column.split('.'))} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export async function* replayRecords(
  db: Database,
  corporation: string,
  from: Date,
  to: Date,
  until: Date,
): AsyncGenerator<ReplayRecord> {
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const rows = (await db.any(sql.unsafe`
      SELECT r.id, r.accepted_at, r.accepted_at::text AS cursor_at, r.payload,
        (SELECT jsonb_agg(x.e ORDER BY x.at) FROM (
          SELECT coalesce((e.data->>'paidAt')::timestamptz, e.at) AS at,
            CASE WHEN (e.data->>'balance')::bigint <= 0
              THEN jsonb_build_object('type', 'paid')
              ELSE jsonb_build_object('type', 'partiallyPaid', 'balance', (e.data->>'balance')::bigint) END
            || jsonb_build_object('at', ${iso('p.at')}) AS e
          FROM events e CROSS JOIN LATERAL (SELECT coalesce((e.data->>'paidAt')::timestamptz, e.at) AS at) p
          WHERE e.receivable_id = r.id AND e.type = 'payment.received'
          UNION ALL
          SELECT h.at, jsonb_build_object('at', ${iso('h.at')}, 'type', h.status, 'step', m.step_id, 'channel', m.channel)
          FROM messages m JOIN message_status_history h ON h.message_id = m.id
          WHERE m.receivable_id = r.id AND m.step_id IS NOT NULL
            AND h.status IN ('bounced', 'delivered', 'opened', 'clicked', 'failed')
        ) x) AS events,
        (SELECT jsonb_agg(jsonb_build_object('at', ${iso('m.sent_at')}, 'step', m.step_id, 'channel', m.channel,
            'channelType', m.channel_type, 'costCents', coalesce(m.cost_cents, 0)::float8) ORDER BY m.sent_at)
          FROM messages m JOIN steps s ON s.id = m.step_row_id
          WHERE m.receivable_id = r.id AND s.kind = 'send' AND m.sent_at IS NOT NULL) AS sent,
        (SELECT jsonb_agg(jsonb_build_object('at', ${iso('m.sent_at')}, 'step', m.step_id) ORDER BY m.sent_at)
          FROM messages m JOIN steps s ON s.id = m.step_row_id
          WHERE m.receivable_id = r.id AND s.kind = 'alert' AND m.sent_at IS NOT NULL) AS alerts
      FROM receivables r
      WHERE r.corporation = ${corporation} AND r.erased_at IS NULL
        AND r.accepted_at >= ${from.toISOString()}::timestamptz AND r.accepted_at < ${to.toISOString()}::timestamptz
        ${after ? sql.fragment`AND (r.accepted_at, r.id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql.fragment``}
      ORDER BY r.accepted_at, r.id LIMIT ${PAGE}`)) as unknown as Row[];
    for (const r of rows) {
      yield {
        receivable: r.payload,
        acceptedAt: new Date(r.accepted_at).toISOString(),
        until: until.toISOString(),
        events: r.events ?? [],
        sent: r.sent ?? [],
        alerts: r.alerts ?? [],
      };
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursor_at, id: last.id };
  }
}
