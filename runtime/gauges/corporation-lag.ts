// Per-corporation lag: how long each corporation's oldest waiting work has waited, per stage. intake: its
// oldest message on OST_INTAKE (accepted, 202 given, not stored yet; a work-queue stream drops a message
// once intake acks it). dispatch: its oldest step that is due and not
// sent yet (scheduled and due, or queued for a dispatcher). A corporation whose lag grows while another's
// stays low is being starved or is stuck on its own; the alert in the chart names it.
import type { JetStreamManager, MsgRequest } from '@nats-io/jetstream';
import { INTAKE_STREAM, intakeBulkSubject, intakeSubject } from '../../platform/bus/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { LANE_KINDS } from '../dossiers/index.js';

export interface CorporationLag {
  corporation: string;
  stage: 'intake' | 'dispatch';
  seconds: number;
}

const seconds = (from: Date, now: Date) => Math.max(0, (now.getTime() - from.getTime()) / 1000);

/** The oldest accepted-not-stored receivable of each corporation, from the head of its intake subject. */
export async function intakeLag(
  jsm: JetStreamManager,
  corporations: readonly string[],
  now: Date,
): Promise<CorporationLag[]> {
  const lags: CorporationLag[] = [];
  for (const corporation of corporations) {
    // The server's message get takes next_by_subj (the first message on a subject); the client's type
    // lists it only for direct gets, which this stream does not allow.
    // Both lanes: single posts and bulk chunks (intakeBulkSubject); the older of their heads.
    let oldest: Date | undefined;
    for (const subject of [intakeSubject(corporation), intakeBulkSubject(corporation)]) {
      const query = { seq: 0, next_by_subj: subject } as unknown as MsgRequest;
      const head = await jsm.streams.getMessage(INTAKE_STREAM, query).catch(() => null);
      if (head && (!oldest || head.time < oldest)) oldest = head.time;
    }
    lags.push({ corporation, stage: 'intake', seconds: oldest ? seconds(oldest, now) : 0 });
  }
  return lags;
}

/** The oldest due-not-sent step of each corporation (migration 032's two indexes go straight to it). */
export async function dispatchLag(
  db: Pick<Database, 'any'>,
  corporations: readonly string[],
  now: Date,
): Promise<CorporationLag[]> {
  if (corporations.length === 0) return [];
  const at = now.toISOString();
  const rows = await db.any(sql.unsafe`
    SELECT lane.corporation, least(due.due_at, queued.due_at) AS oldest
    FROM unnest(${sql.array(corporations, 'text')}) AS lane(corporation)
    LEFT JOIN LATERAL (
      SELECT least(
        (SELECT due_at FROM steps
          WHERE corporation = lane.corporation AND status = 'scheduled' AND ${LANE_KINDS.sends}
            AND due_at <= ${at}
          ORDER BY due_at LIMIT 1),
        (SELECT due_at FROM steps
          WHERE corporation = lane.corporation AND status = 'scheduled' AND ${LANE_KINDS.timers}
            AND due_at <= ${at}
          ORDER BY due_at LIMIT 1)) AS due_at) due ON true
    LEFT JOIN LATERAL (
      SELECT min(due_at) AS due_at FROM steps
      WHERE corporation = lane.corporation AND status = 'queued') queued ON true`);
  return rows.map((r) => ({
    corporation: r.corporation as string,
    stage: 'dispatch' as const,
    seconds: r.oldest ? seconds(new Date(r.oldest as string | number | Date), now) : 0,
  }));
}
