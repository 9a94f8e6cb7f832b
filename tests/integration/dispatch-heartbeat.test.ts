// A send that takes longer than the dispatch lease is not taken by a second replica: the dispatcher that
// holds the step renews its lease while the relay works, so the stale-claim sweep (which runs every half
// second here) never hands it to the other runtime. Each mail reaches the real SMTP sink once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import {
  type CountingSink,
  FIXTURE_KEY,
  FIXTURE_STREET,
  fixtureReceivable,
  startCountingSink,
} from '../support/durability-street.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

const RELAY_MS = 4_000;
const LEASE_MS = 1_500;
const N = 4;

describe('dispatch heartbeat', () => {
  let street: TestStreet;
  let sink: CountingSink;
  let db: Database;

  beforeAll(async () => {
    street = await startStreet([FIXTURE_STREET]);
    // A slow relay: each mail takes 4 s from DATA to its 250, well past the 1.5 s lease.
    sink = await startCountingSink(RELAY_MS);
    const settings = {
      smtpRedirect: { host: '127.0.0.1', port: sink.port },
      dispatchLeaseMs: LEASE_MS,
      claimLeaseMs: 2_000,
    };
    await street.startRuntime({ ...settings, instanceId: 'replica-a' });
    await street.startRuntime({ ...settings, instanceId: 'replica-b' });
    db = await createDatabase(street.db.url);
  });
  afterAll(async () => {
    await db?.end();
    await street?.stop();
    await sink?.stop();
  });

  it('a send that takes longer than the lease stays with the replica sending it: one mail per step, one attempt, no second replica', async () => {
    const receivables = Array.from({ length: N }, (_, i) => fixtureReceivable(100 + i));
    for (const r of receivables) {
      expect((await street.post('/v1/receivables', r, FIXTURE_KEY)).status).toBe(202);
    }
    const steps = () =>
      db.any(sql.unsafe`SELECT status, attempts, claimed_by FROM steps WHERE kind = 'send'`) as Promise<
        readonly { status: string; attempts: number; claimed_by: string | null }[]
      >;
    await eventually(
      async () => {
        const s = await steps();
        return s.length === N && s.every((row) => row.status === 'sent');
      },
      30_000,
      'every step sent',
    );
    // Long enough for a second attempt of any step to have reached the sink too.
    await new Promise((resolve) => setTimeout(resolve, RELAY_MS + 2 * LEASE_MS));
    expect(sink.mails).toHaveLength(N);
    expect(sink.distinct()).toBe(N);
    const end = await steps();
    expect(end.map((s) => s.attempts)).toEqual(Array(N).fill(1));
    expect(end.every((s) => s.claimed_by === 'replica-a' || s.claimed_by === 'replica-b')).toBe(true);
    const messages = await db.oneFirst(sql.unsafe`SELECT count(*)::int FROM messages WHERE status = 'sent'`);
    expect(messages).toBe(N);
  });
});
