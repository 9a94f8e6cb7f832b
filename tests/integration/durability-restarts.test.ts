// NATS killed and restarted, then PostgreSQL restarted, while a run is in progress: the street notices
// (readiness names what is missing), recovers by itself, and every receivable still ends as one mail.
// Postgres is a private server of this test, never the machine's shared one.
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DurabilityStreet,
  deliveryReport,
  fixtureReceivable,
  ndjson,
  postNdjson,
  startDurabilityStreet,
  tally,
  until,
} from '../support/durability-street.js';

const FIRST = 1_500;
const SECOND = 500;

async function readiness(url: string): Promise<{ status: number; failing: string[] }> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, failing: ((await res.json()) as { failing: string[] }).failing };
  } catch {
    return { status: 0, failing: ['unreachable'] };
  }
}

describe('durability: NATS and PostgreSQL restarts', () => {
  let street: DurabilityStreet | undefined;
  afterAll(async () => {
    await street?.stop();
  });

  it('NATS killed and PostgreSQL restarted during a run: the street recovers by itself and nothing is lost', async () => {
    street = await startDurabilityStreet({ privatePostgres: true, sinkDelayMs: 5 });
    const a = await street.startRuntime('restart-a');
    const b = await street.startRuntime('restart-b');
    const first = await postNdjson(
      a.url,
      ndjson(Array.from({ length: FIRST }, (_, i) => fixtureReceivable(i))),
    );
    expect(first).toMatchObject({ status: 202, body: { accepted: FIRST } });
    await street.sink.waitFor(200, 60_000);

    // NATS crashes (SIGKILL) and stays away for two seconds.
    const natsBack = street.nats.restart({ hard: true, downMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await readiness(a.url)).toMatchObject({ status: 503, failing: ['nats'] });
    await natsBack;
    await until(
      async () => (await readiness(a.url)).status === 200,
      30_000,
      'ready again after NATS came back',
    );
    const afterNats = street.sink.mails.length;
    await street.sink.waitFor(afterNats + 200, 60_000);

    // PostgreSQL stops (fast shutdown: open transactions roll back) and stays away for three seconds;
    // meanwhile the ERP posts more receivables, which NATS accepts.
    const pgBack = street.postgres!.restart({ mode: 'fast', downMs: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await readiness(b.url)).toMatchObject({ status: 503, failing: ['postgres'] });
    const second = await postNdjson(
      b.url,
      ndjson(Array.from({ length: SECOND }, (_, i) => fixtureReceivable(FIRST + i))),
    );
    expect(second).toMatchObject({ status: 202, body: { accepted: SECOND } });
    await pgBack;
    await until(
      async () => (await readiness(b.url)).status === 200,
      30_000,
      'ready again after Postgres came back',
    );

    const total = FIRST + SECOND;
    await until(
      async () => {
        const t = await tally(street!.sql);
        return t.cases === total && t.unfinished === 0;
      },
      180_000,
      'every step finished after both restarts',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const end = await tally(street.sql);
    const report = await deliveryReport(street.sql, street.sink);
    console.info('NATS and Postgres restarts', JSON.stringify({ end, report }));
    expect(end).toMatchObject({ receivables: total, cases: total, steps: { sent: total }, unfinished: 0 });
    expect(report).toMatchObject({ receivables: total, notSentOnce: 0, notMailedOnce: 0, strangers: 0 });
    // A send whose outcome could not be recorded while Postgres was down goes out again with the same id.
    expect(report.mails).toBe(total + report.resends);
    expect(report.resends).toBeLessThanOrEqual(32);
  }, 400_000);
});
