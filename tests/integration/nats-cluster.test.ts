// The street on a three-node JetStream cluster, as docs/operations.md ("A NATS cluster") tells a platform
// team to run it: the runtimes ask for three replicas of every stream (OST_STREAM_REPLICAS=3), and one
// nats-server killed with SIGKILL in the middle of a run loses no receivable and doubles no mail.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { DISPATCH_STREAM, EVENTS_STREAM, INTAKE_STREAM } from '../../platform/bus/index.js';
import {
  type ClusterStreet,
  deliveryReport,
  fixtureReceivable,
  ndjson,
  postNdjson,
  startClusterStreet,
  tally,
  until,
} from '../support/durability-street.js';

const CHUNKS = 20;
const PER_CHUNK = 50;
const TOTAL = CHUNKS * PER_CHUNK;

/** Posts like an ERP that is told 503 or gets no answer: the same lines again until all are on JetStream. */
async function postUntilAccepted(url: string, lines: unknown[]): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    const res = await postNdjson(url, ndjson(lines)).catch(() => undefined);
    const body = res?.body as { accepted?: number; duplicates?: number } | undefined;
    if (res?.status === 202 && (body?.accepted ?? 0) + (body?.duplicates ?? 0) === lines.length)
      return attempt;
    if (Date.now() > deadline)
      throw new Error(`not accepted after ${attempt} posts: ${JSON.stringify(res).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function replicasOf(url: string): Promise<Record<string, number>> {
  const nc = await connect({ servers: url.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    const names = [INTAKE_STREAM, DISPATCH_STREAM, EVENTS_STREAM, `KV_${BUNDLE_BUCKET}`];
    const infos = await Promise.all(names.map((name) => jsm.streams.info(name)));
    return Object.fromEntries(infos.map((info) => [info.config.name, info.config.num_replicas]));
  } finally {
    await nc.close();
  }
}

describe('a NATS cluster', () => {
  let street: ClusterStreet | undefined;
  afterAll(async () => {
    await street?.stop();
  });

  it('one of three nats-servers killed mid-run: every receivable stored once, every mail sent once', async () => {
    street = await startClusterStreet({ sinkDelayMs: 5 });
    const a = await street.startRuntime('cluster-a');
    const b = await street.startRuntime('cluster-b');
    // The runtimes keep the three replicas the street asked for (they used to bring them back to one).
    expect(await replicasOf(street.natsUrl)).toEqual({
      [INTAKE_STREAM]: 3,
      [DISPATCH_STREAM]: 3,
      [EVENTS_STREAM]: 3,
      [`KV_${BUNDLE_BUCKET}`]: 3,
    });

    // The ERP posts chunk after chunk to both runtimes; halfway through, with mails going out, the server
    // leading the intake stream dies the hard way. The other two keep a majority.
    let posted = 0;
    let halfway!: () => void;
    const half = new Promise<void>((resolve) => {
      halfway = resolve;
    });
    const posting = (async () => {
      const attempts: number[] = [];
      for (let c = 0; c < CHUNKS; c++) {
        const lines = Array.from({ length: PER_CHUNK }, (_, i) => fixtureReceivable(c * PER_CHUNK + i));
        attempts.push(await postUntilAccepted((c % 2 === 0 ? a : b).url, lines));
        if (++posted === CHUNKS / 2) halfway();
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return attempts;
    })();
    posting.catch(() => undefined);
    await Promise.all([half, street.sink.waitFor(50, 60_000)]);
    const victim = await street.cluster.leaderOf(INTAKE_STREAM);
    await street.cluster.servers[victim]!.kill();
    const atKill = { chunksPosted: posted, mails: street.sink.mails.length, ...(await tally(street.sql)) };
    expect(atKill.chunksPosted).toBeLessThan(CHUNKS); // the kill really landed mid-run

    const attempts = await posting;
    await until(
      async () => {
        const t = await tally(street!.sql);
        return t.cases === TOTAL && t.unfinished === 0;
      },
      180_000,
      'every step finished after the kill',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // nothing more may arrive
    const end = await tally(street.sql);
    const report = await deliveryReport(street.sql, street.sink);
    const twice = await street.sql.query(
      'SELECT receivable_id FROM cases GROUP BY receivable_id HAVING count(*) > 1',
    );
    console.info(
      'a nats-server killed',
      JSON.stringify({ victim: street.cluster.names[victim], atKill, posts: attempts, end, report }),
    );
    expect(end).toMatchObject({ receivables: TOTAL, cases: TOTAL, steps: { sent: TOTAL }, unfinished: 0 });
    expect(twice.rowCount).toBe(0);
    expect(report).toMatchObject({
      receivables: TOTAL,
      notSentOnce: 0,
      notMailedOnce: 0,
      strangers: 0,
      resends: 0,
      mails: TOTAL,
    });
  }, 400_000);
});
