// A runtime process killed with SIGKILL in the middle of a batch loses nothing and doubles nothing:
// after a restart every receivable has exactly one message recorded as sent, and the SMTP sink saw that
// message id for it (a resend of the same id after the crash is at-least-once email, see ADR 0004).
import { jetstreamManager } from '@nats-io/jetstream';
import { afterEach, describe, expect, it } from 'vitest';
import { DISPATCH_STREAM } from '../../platform/bus/index.js';
import { dispatchPointers } from '../support/dispatch-stream.js';
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

const N = 500;

describe('durability: a runtime killed mid-batch', () => {
  let street: DurabilityStreet | undefined;
  afterEach(async () => {
    await street?.stop();
    street = undefined;
  });

  it('kill -9 while 500 receivables are in flight, restart: every step ends sent once, none lost, none doubled', async () => {
    // A slow relay (20 ms a mail) keeps sends in flight when the kill lands.
    street = await startDurabilityStreet({ sinkDelayMs: 20 });
    // Eight emails in progress: what a pod killed mid-batch can have handed over without recording it.
    const first = await street.startRuntime('crash-a', { OST_DISPATCH_CONCURRENCY_EMAIL: '8' });
    const posted = await postNdjson(
      first.url,
      ndjson(Array.from({ length: N }, (_, i) => fixtureReceivable(i))),
    );
    expect(posted).toMatchObject({ status: 202, body: { accepted: N, rejected: 0 } });

    await street.sink.waitFor(50, 60_000);
    await first.kill();
    const atKill = { mails: street.sink.mails.length, ...(await tally(street.sql)) };
    expect(atKill.mails).toBeLessThan(N); // the kill really landed mid-batch

    const second = await street.startRuntime('crash-b');
    await until(
      async () => {
        const t = await tally(street!.sql);
        return t.cases === N && t.unfinished === 0;
      },
      120_000,
      'every step finished after the restart',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // nothing more may arrive
    const end = await tally(street.sql);
    const report = await deliveryReport(street.sql, street.sink);
    console.info('kill -9 mid-batch', JSON.stringify({ atKill, end, report }));
    expect(end).toMatchObject({ receivables: N, cases: N, steps: { sent: N }, unfinished: 0 });
    expect(report).toMatchObject({ receivables: N, notSentOnce: 0, notMailedOnce: 0, strangers: 0 });
    // Only a message handed over and not yet recorded at the moment of the kill can arrive twice, with the
    // same id: at most the emails in progress (OST_DISPATCH_CONCURRENCY_EMAIL).
    expect(report.resends).toBeLessThanOrEqual(8);
    expect(report.mails).toBe(N + report.resends);
    await second.stop();
  }, 300_000);

  it('SIGTERM mid-batch drains: in-hand sends finish, buffered work goes back, the process exits 0 and nothing is sent twice', async () => {
    street = await startDurabilityStreet({ sinkDelayMs: 20 });
    const first = await street.startRuntime('drain-a', { OST_DISPATCH_CONCURRENCY_EMAIL: '8' });
    const posted = await postNdjson(
      first.url,
      ndjson(Array.from({ length: N }, (_, i) => fixtureReceivable(i))),
    );
    expect(posted).toMatchObject({ status: 202, body: { accepted: N } });
    await street.sink.waitFor(50, 60_000);
    expect(await first.stop()).toBe(0);
    const atStop = await tally(street.sql);
    // Drained: nothing is left half-sent (every send in hand finished), the rest is still to do.
    const sending = await street.sql.query(
      `SELECT count(*)::int AS n FROM messages WHERE status = 'sending'`,
    );
    expect(sending.rows[0].n).toBe(0);
    expect(street.sink.mails.length).toBe(atStop.steps.sent ?? 0);
    expect(street.sink.mails.length).toBeLessThan(N);

    const second = await street.startRuntime('drain-b');
    await until(
      async () => {
        const t = await tally(street!.sql);
        return t.cases === N && t.unfinished === 0;
      },
      120_000,
      'every step finished after the restart',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const report = await deliveryReport(street.sql, street.sink);
    console.info('SIGTERM mid-batch', JSON.stringify({ atStop, report }));
    expect(report).toMatchObject({
      receivables: N,
      notSentOnce: 0,
      notMailedOnce: 0,
      resends: 0,
      strangers: 0,
      mails: N,
    });
    expect(await second.stop()).toBe(0);
  }, 300_000);

  it('dispatch messages lost from JetStream: the step rows are the truth, the sweep queues them again and each goes out once', async () => {
    street = await startDurabilityStreet();
    const lease = { OST_DISPATCH_LEASE_MS: '5000' };
    const n = 200;
    // This runtime queues sends but dispatches none of them; all n may wait for a dispatcher at once.
    const scheduler = await street.startRuntime('lost-scheduler', {
      ...lease,
      OST_WORKERS: 'intake,scheduler',
      OST_DISPATCH_MAX_WAITING: String(n),
    });
    const posted = await postNdjson(
      scheduler.url,
      ndjson(Array.from({ length: n }, (_, i) => fixtureReceivable(i))),
    );
    expect(posted).toMatchObject({ status: 202, body: { accepted: n } });
    await until(async () => (await tally(street!.sql)).steps.queued === n, 60_000, 'every send queued');
    const jsm = await jetstreamManager(street.nc);
    await until(async () => (await dispatchPointers(jsm)) === n, 30_000, 'every send on the stream');
    // The scheduler publishes them in groups: fewer messages than sends, every one of them lost.
    const messages = (await jsm.streams.info(DISPATCH_STREAM)).state.messages;
    expect(messages).toBeLessThan(n);
    expect((await jsm.streams.purge(DISPATCH_STREAM)).purged).toBe(messages);

    await street.startRuntime('lost-dispatcher', { ...lease, OST_WORKERS: 'dispatch' });
    await until(async () => (await tally(street!.sql)).unfinished === 0, 90_000, 'every step finished');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const report = await deliveryReport(street.sql, street.sink);
    const attempts = await street.sql.query(
      `SELECT min(attempts)::int AS min FROM steps WHERE kind = 'send'`,
    );
    expect(report).toMatchObject({
      receivables: n,
      notSentOnce: 0,
      notMailedOnce: 0,
      resends: 0,
      strangers: 0,
      mails: n,
    });
    expect(attempts.rows[0].min).toBe(2); // queued again after the lease, as a new attempt
  }, 180_000);
});
