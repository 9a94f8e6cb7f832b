// The scheduler's two bounds on the dispatch queue, on a real Postgres and nats-server with no dispatcher
// running: no more sends are queued while OST_DISPATCH_MAX_WAITING of them wait for a dispatcher to take
// them (the line a newly due send of any corporation joins), nor while OST_DISPATCH_MAX_QUEUED are queued
// and not finished. What is not queued stays scheduled, due, for a later round.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import { type ErpStreet, postReceivables, startErpStreet } from './erp-api-street.js';

let erp: ErpStreet;

beforeAll(async () => {
  erp = await startErpStreet({
    runtime: { workers: ['intake', 'scheduler'], dispatchMaxWaiting: 20, dispatchMaxQueued: 25 },
  });
}, 60_000);
afterAll(async () => {
  await erp?.stop();
});

const sends = async () =>
  (await erp.db.one(sql.unsafe`
    SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued,
      count(*) FILTER (WHERE status = 'queued' AND claimed_by IS NULL)::int AS waiting,
      count(*) FILTER (WHERE status = 'scheduled' AND due_at <= now())::int AS due
    FROM steps WHERE kind = 'send'`)) as { queued: number; waiting: number; due: number };

const settled = async (what: string, check: (s: Awaited<ReturnType<typeof sends>>) => boolean) => {
  await eventually(async () => check(await sends()) || undefined, 15_000, what);
  // A few more scheduler rounds (every 10 ms here) change nothing.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return sends();
};

describe("the dispatch queue's bounds", () => {
  it('queues no more sends than OST_DISPATCH_MAX_WAITING waiting, nor than OST_DISPATCH_MAX_QUEUED unfinished', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `BOUND-${i + 1}`);
    await postReceivables(erp, ids);
    // Their thirty minutes pass: forty sends fall due at once.
    await erp.db.query(
      sql.unsafe`UPDATE steps SET due_at = now() WHERE kind = 'due' AND status = 'scheduled'`,
    );
    expect(await settled('20 sends waiting', (s) => s.waiting === 20 && s.due === 20)).toEqual({
      queued: 20,
      waiting: 20,
      due: 20,
    });

    // A dispatcher takes ten of them (it names itself on the step, as prepareSend does).
    await erp.db.query(sql.unsafe`
      UPDATE steps SET claimed_by = 'a-dispatcher', claimed_at = now() WHERE id IN (
        SELECT id FROM steps WHERE kind = 'send' AND status = 'queued' ORDER BY id LIMIT 10)`);
    // Ten fewer wait, but only five more fit under the 25 unfinished.
    expect(await settled('25 sends queued', (s) => s.queued === 25)).toEqual({
      queued: 25,
      waiting: 15,
      due: 15,
    });

    // The ten finish: ten more may be unfinished, five more may wait.
    await erp.db.query(sql.unsafe`
      UPDATE steps SET status = 'sent' WHERE kind = 'send' AND claimed_by = 'a-dispatcher'`);
    expect(await settled('20 sends waiting again', (s) => s.waiting === 20)).toEqual({
      queued: 20,
      waiting: 20,
      due: 10,
    });
  });
});
