// `npm run bench -- --fairness`: one corporation's bulk beside another's single receivables (issue #16;
// intake's bulk lane and the scheduler's lanes: docs/adr/0004, "Fairness"). durable-wonen posts N receivables
// (default 100 000) through the HTTP API as NDJSON, as an ERP does on rent day — or, with `--bulk-as json`,
// as single JSON posts, 32 at a time (an ERP without bulk export; the ingress's request rate limit is
// lifted so the flood is as fast as this machine allows); meanwhile eerlijk-wonen posts one receivable at a time as JSON, one every
// `intervalMs`, until the last of the bulk's mails reached the SMTP sink or `windowS` passed (the bulk still
// in flight: its backlog is then in front of intake and dispatch the whole time). Figures: eerlijk-wonen's
// post → SMTP sink latency (p50/p95/max) and the lateness of its send steps (message sent − step due), and
// how far the bulk got meanwhile. Three pods, as a street scales: ingress, intake, scheduler and dispatch.
import {
  postSecond,
  SECOND_CORPORATION,
  SECOND_CORPORATION_STREET,
  secondReceivable,
} from '../tests/support/second-corporation.js';
import { postAll, postSingles, type StreetUnderTest, startRuntime } from './ours.js';
import { quantile, type Rate, rate } from './rate.js';

export const FAIRNESS_OVERLAY = SECOND_CORPORATION_STREET;

export interface Spread {
  p50: number;
  p95: number;
  max: number;
}

/** How the bulk corporation posts: NDJSON requests, or one JSON post per receivable. */
export type BulkAs = 'ndjson' | 'json';

export interface FairnessFigures {
  bulkAs: BulkAs;
  /** The bulk's receivables mailed by the end of the window, over the window. */
  bulk: Rate;
  /** The bulk's size, and its receivables stored (cases started) by the end of the window. */
  bulkPosted: number;
  bulkStored: number;
  windowSeconds: number;
  /** Single receivables of the other corporation posted meanwhile, and how often. */
  singles: number;
  intervalMs: number;
  /** Seconds from a single receivable's POST to its mail in the SMTP sink. */
  singleLatency: Spread;
  /** Seconds from a single receivable's send step being due to its message being sent. */
  dueLateness: Spread;
}

const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) ?? 0 };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureFairness(
  street: StreetUnderTest,
  bulk: number,
  intervalMs: number,
  windowS: number,
  say: (text: string) => void,
  bulkAs: BulkAs = 'ndjson',
): Promise<FairnessFigures> {
  const ingress = await startRuntime(street, 'bench-fair-ingress', {
    OST_WORKERS: 'none',
    ...(bulkAs === 'json' ? { OST_RATE_LIMIT_PER_SECOND: '1000000' } : {}),
  });
  const intake = await startRuntime(street, 'bench-fair-intake', { OST_WORKERS: 'intake' });
  const dispatch = await startRuntime(street, 'bench-fair-dispatch', { OST_WORKERS: 'scheduler,dispatch' });
  const bulkMails = () => street.sink.mails.filter((m) => m.to.startsWith('huurder-')).length;
  const started = performance.now();
  let failed: unknown;
  const posting = (bulkAs === 'json' ? postSingles : postAll)(ingress.url, 0, bulk).catch((err: unknown) => {
    failed = err;
  });
  // The other corporation: one receivable at a time, until the bulk is mailed.
  const postedAt = new Map<string, number>();
  const windowEnds = performance.now() + windowS * 1000;
  for (let n = 1; bulkMails() < bulk && performance.now() < windowEnds; n++) {
    if (failed) throw failed;
    const at = Date.now();
    const status = await postSecond(ingress.url, n);
    if (status !== 202) throw new Error(`a single receivable answered ${status}`);
    postedAt.set(secondReceivable(n).debtor.email, at);
    if (n % 25 === 0) say(`fairness: bulk ${bulkMails()}/${bulk} mailed, ${n} single receivables posted`);
    await sleep(Math.max(0, intervalMs - (Date.now() - at)));
  }
  const bulkMs = performance.now() - started;
  const mailed = bulkMails();
  const stored = await street.sql.query(`SELECT count(*)::int AS n FROM cases WHERE corporation <> $1`, [
    SECOND_CORPORATION,
  ]);
  say(`fairness: window over; waiting for the last single receivables' mails`);
  const singleMailed = () => street.sink.mails.filter((m) => postedAt.has(m.to)).length;
  const waitUntil = Date.now() + 120_000;
  while (singleMailed() < postedAt.size && Date.now() < waitUntil) await sleep(200);
  if (failed) throw failed;
  const arrived = new Map(street.sink.mails.map((m) => [m.to, m.at]));
  // A single receivable not mailed within two minutes after the window counts with the time waited so far.
  const latencies = [...postedAt].map(([to, at]) => ((arrived.get(to) ?? Date.now()) - at) / 1000);
  const { rows } = await street.sql.query(
    `SELECT extract(epoch FROM m.sent_at - s.due_at)::float8 AS late
     FROM messages m JOIN steps s ON s.id = m.step_row_id
     WHERE s.corporation = $1 AND m.sent_at IS NOT NULL`,
    [SECOND_CORPORATION],
  );
  await Promise.all([ingress.kill(), intake.kill(), dispatch.kill()]);
  void posting;
  return {
    bulkAs,
    bulk: rate(mailed, bulkMs),
    bulkPosted: bulk,
    bulkStored: stored.rows[0].n as number,
    windowSeconds: bulkMs / 1000,
    singles: postedAt.size,
    intervalMs,
    singleLatency: spread(latencies),
    dueLateness: spread(rows.map((r) => Math.max(0, r.late as number))),
  };
}

/** The report's lines for the fairness run. */
export function formatFairness(f: FairnessFigures): string {
  const s = (x: Spread) => `p50 ${x.p50.toFixed(2)} s, p95 ${x.p95.toFixed(2)} s, max ${x.max.toFixed(2)} s`;
  return [
    '',
    `Fairness: ${f.bulkPosted.toLocaleString('en-US')} receivables of one corporation (${f.bulkAs === 'json' ? 'single JSON posts, 32 at a time' : 'NDJSON'}) beside ` +
      `${f.singles} single receivables of another, one every ${f.intervalMs} ms`,
    `  bulk in the ${f.windowSeconds.toFixed(0)} s window           ${f.bulkStored.toLocaleString('en-US')} of ${f.bulkPosted.toLocaleString('en-US')} stored, ${f.bulk.count.toLocaleString('en-US')} mailed (${Math.round(f.bulk.perSecond)}/s)`,
    `  single: post -> SMTP sink         ${s(f.singleLatency)}`,
    `  single: step due -> sent          ${s(f.dueLateness)}`,
    `  aim: single p95 < 2 s             ${f.singleLatency.p95 < 2 ? 'met' : 'NOT met'}`,
    '',
  ].join('\n');
}
