// Three runtime processes share one street: 10 000 receivables (OST_DURABILITY_CASES, default 10 000)
// end as exactly one mail each, and every runtime dispatched some of them.
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

const N = Number(process.env.OST_DURABILITY_CASES ?? 10_000);

describe('durability: three runtimes, one street', () => {
  let street: DurabilityStreet | undefined;
  afterAll(async () => {
    await street?.stop();
  });

  it(`${N} cases over three runtime processes: each step exactly once, work shared`, async () => {
    street = await startDurabilityStreet();
    const runtimes = await Promise.all(
      ['scale-a', 'scale-b', 'scale-c'].map((name) => street!.startRuntime(name)),
    );
    const started = Date.now();
    // Each runtime's ingress takes a third, as a load balancer would spread the ERP's requests. A line the
    // ingress could not store in time is reported (not accepted) and the ERP posts it again.
    const reasons = new Set<string>();
    let reposted = 0;
    await Promise.all(
      runtimes.map(async (runtime, r) => {
        let pending = Array.from({ length: Math.ceil(N / 3) }, (_, i) => i * 3 + r).filter((n) => n < N);
        for (let round = 0; pending.length > 0; round++) {
          expect(round).toBeLessThan(5);
          const result = await postNdjson(runtime.url, ndjson(pending.map((n) => fixtureReceivable(n))));
          expect(result.status).toBe(202);
          const errors = (result.body.errors ?? []) as { line: number; message: string }[];
          reposted += errors.length;
          for (const e of errors) reasons.add(e.message);
          pending = errors.map((e) => pending[e.line - 1]!);
        }
      }),
    );
    const accepted = Date.now();

    await until(async () => (await tally(street!.sql)).cases === N, 240_000, 'every receivable stored');
    const stored = Date.now();
    await street.sink.waitFor(N, 300_000);
    await until(async () => (await tally(street!.sql)).unfinished === 0, 60_000, 'every step finished');
    const done = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const report = await deliveryReport(street.sql, street.sink);
    const perRuntime = await street.sql.query(
      `SELECT claimed_by, count(*)::int AS sent FROM steps WHERE status = 'sent' GROUP BY claimed_by ORDER BY claimed_by`,
    );
    console.info(
      `${N} cases, three runtimes`,
      JSON.stringify({
        acceptedMs: accepted - started,
        reposted,
        repostReasons: [...reasons],
        storedMs: stored - started,
        sentMs: done - started,
        report,
        perRuntime: perRuntime.rows,
      }),
    );
    expect(report).toMatchObject({
      receivables: N,
      notSentOnce: 0,
      notMailedOnce: 0,
      resends: 0,
      strangers: 0,
      mails: N,
    });
    expect(perRuntime.rows.map((r) => r.claimed_by)).toEqual(['scale-a', 'scale-b', 'scale-c']);
    for (const row of perRuntime.rows) expect(row.sent).toBeGreaterThan(0);
    // Graceful shutdown of all three drains and exits cleanly.
    expect(await Promise.all(runtimes.map((r) => r.stop()))).toEqual([0, 0, 0]);
  }, 600_000);
});
