// A send that takes longer than the dispatch lease is not taken by a second replica: the dispatcher that
// holds the step renews its lease while the relay works, so the stale-claim sweep (which runs every half
// second here) never hands it to the other runtime. Each mail reaches the real SMTP sink once — also when a
// copy of two sends in flight arrives as one group message.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPATCH_STREAM, dispatchSubject } from '../../platform/bus/index.js';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import { POINTER_COLUMNS, pointerOf } from '../support/dispatch-stream.js';
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
    // While the relay holds the mails, a copy of two of the sends arrives as one group message (as a
    // repeated publish would make it): both steps are held by the dispatchers sending them, so the whole
    // message comes back later (busy), then finds both sent and is acked — no third mail, nothing stuck.
    const inFlight = await eventually(
      async () => {
        const rows = await db.any(sql.unsafe`
          SELECT ${POINTER_COLUMNS} FROM steps s JOIN messages m ON m.step_row_id = s.id
          WHERE s.kind = 'send' AND m.status = 'sending' ORDER BY s.id LIMIT 2`);
        return rows.length === 2 ? rows : undefined;
      },
      20_000,
      'two sends in the relay',
    );
    await jetstream(street.nc).publish(
      dispatchSubject(String(inFlight[0]!.corporation), 'email'),
      JSON.stringify(inFlight.map(pointerOf)),
    );
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
    // The copy was given back while its sends were in flight and acked once they were recorded.
    const jsm = await jetstreamManager(street.nc);
    await eventually(
      async () => ((await jsm.streams.info(DISPATCH_STREAM)).state.messages === 0 ? true : undefined),
      10_000,
      'the copy acked',
    );
    const deadLetters = await db.oneFirst(sql.unsafe`SELECT count(*)::int FROM dead_letters`);
    expect(deadLetters).toBe(0);
  });
});
