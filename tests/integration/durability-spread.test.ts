// A flow with `dispatch.spread.maxPerHour` is honoured by the live scheduler: no local clock hour gets
// more sends of that flow than the spread allows, later ones wait in their booked slot, and the metrics
// name flow and channel.
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DurabilityStreet,
  FIXTURE_CORPORATION,
  fixtureReceivable,
  ndjson,
  postNdjson,
  startDurabilityStreet,
  until,
} from '../support/durability-street.js';

const N = 150;
const PER_HOUR = 60; // spread-reminder in tests/support/fixtures/durability-street/base.yaml

describe('live spread per flow', () => {
  let street: DurabilityStreet | undefined;
  afterAll(async () => {
    await street?.stop();
  });

  it('150 invoices on a flow spread at 60 an hour: at most 60 per clock hour, the rest booked for later hours', async () => {
    street = await startDurabilityStreet();
    const runtime = await street.startRuntime('spread');
    const lines = Array.from({ length: N }, (_, i) => fixtureReceivable(i, { kind: 'invoice' }));
    expect(await postNdjson(runtime.url, ndjson(lines))).toMatchObject({
      status: 202,
      body: { accepted: N },
    });

    await until(
      async () => {
        const r = await street!.sql.query(
          `SELECT count(*)::int AS n FROM steps WHERE kind = 'send' AND spread_hour IS NOT NULL`,
        );
        return r.rows[0].n === N;
      },
      60_000,
      'every send booked in a spread slot',
    );
    // What is due by now goes out (on a loaded machine that can take a moment); everything else waits,
    // scheduled, in its slot.
    const checkedAt = new Date();
    await until(
      async () => {
        const r = await street!.sql.query(
          `SELECT count(*)::int AS n FROM steps WHERE kind = 'send' AND due_at <= $1 AND status <> 'sent'`,
          [checkedAt],
        );
        return r.rows[0].n === 0;
      },
      60_000,
      'every send due by the check sent',
    );

    const slots = await street.sql.query(
      'SELECT hour_start, booked FROM dispatch_slots WHERE corporation = $1 AND flow = $2 ORDER BY hour_start',
      [FIXTURE_CORPORATION, 'spread-reminder'],
    );
    expect(slots.rows.map((r) => r.booked)).toEqual([60, 60, 30]);
    const perHour = await street.sql.query(`
      SELECT spread_hour, count(*)::int AS n, max(due_at) AS last, min(due_at) AS first
      FROM steps WHERE kind = 'send' GROUP BY spread_hour ORDER BY spread_hour`);
    expect(perHour.rows.map((r) => r.n)).toEqual([60, 60, 30]);
    for (const row of perHour.rows) {
      const start = (row.spread_hour as Date).getTime();
      expect((row.first as Date).getTime()).toBeGreaterThanOrEqual(start);
      expect((row.last as Date).getTime()).toBeLessThan(start + 3_600_000);
    }
    const states = await street.sql.query(
      `
      SELECT count(*) FILTER (WHERE due_at <= $1 AND status = 'sent')::int AS sent_due,
             count(*) FILTER (WHERE due_at > $1)::int AS later,
             count(*) FILTER (WHERE due_at > $1 AND status NOT IN ('scheduled', 'claimed', 'queued', 'sent'))::int AS odd,
             count(*) FILTER (WHERE status = 'sent')::int AS sent
      FROM steps WHERE kind = 'send'`,
      [checkedAt],
    );
    const { sent_due: sentDue, later, odd } = states.rows[0];
    expect(sentDue + later).toBe(N);
    expect(odd).toBe(0);
    expect(sentDue).toBeGreaterThan(0);
    // Only the current clock hour's slot can have gone out.
    const sent = states.rows[0].sent as number;
    expect(sent).toBeLessThanOrEqual(PER_HOUR);
    await until(async () => street!.sink.mails.length >= sent, 30_000, 'the sent mails at the sink');
    expect(street.sink.mails.length).toBeLessThanOrEqual(PER_HOUR);

    const metrics = await (await fetch(`${runtime.metricsUrl}/metrics`)).text();
    const sentMetric = new RegExp(
      `outputstraat_steps_total\\{corporation="${FIXTURE_CORPORATION}",flow="spread-reminder",channel="email",outcome="sent"\\} (\\d+)`,
    ).exec(metrics);
    expect(Number(sentMetric?.[1])).toBeGreaterThanOrEqual(sentDue);
    expect(Number(sentMetric?.[1])).toBeLessThanOrEqual(PER_HOUR);
    // One-step cases complete when their send is asked for, so none is open; the gauge is there.
    expect(metrics).toContain('# TYPE outputstraat_cases_open gauge');
    expect(metrics).toMatch(
      /outputstraat_jetstream_consumer_pending\{stream="OST_INTAKE",consumer="intake"\} 0/,
    );
    expect(metrics).toMatch(
      /outputstraat_jetstream_consumer_pending\{stream="OST_DISPATCH",consumer="dispatch-email"\} \d+/,
    );
    expect(metrics).toMatch(
      /outputstraat_steps_queued_total\{corporation="durable-wonen",flow="spread-reminder",channel="email"\} \d+/,
    );
  }, 180_000);
});
