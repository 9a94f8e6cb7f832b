// A relay that stalls cannot hold a step, and cannot make the street send a mail twice at once: the
// attempt ends at its deadline (the connection closed by us), the failure is recorded on the message, and
// the retry — the same message, the same id — goes out only after the backoff. The dispatch lease is
// shorter than the stall here, so without the heartbeat another attempt would start while the first one
// is still connected; every second attempt would reach the real SMTP sink behind the relay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import { FIXTURE_KEY, FIXTURE_STREET, fixtureReceivable } from '../support/durability-street.js';
import { type RelayConnection, type StallingRelay, startStallingRelay } from '../support/stalling-relay.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

const STALL_MS = 3_000;
const ENV = {
  OST_SMTP_CONNECTION_TIMEOUT_MS: String(STALL_MS),
  OST_SMTP_GREETING_TIMEOUT_MS: String(STALL_MS),
  OST_SMTP_SOCKET_TIMEOUT_MS: String(STALL_MS),
};
/** The first retry of a send waits 30 s (dispatch-message.ts); the test moves the runtime's clock instead. */
const FIRST_BACKOFF_MS = 30_000;

interface StepState {
  id: string;
  status: string;
  attempts: number;
  reason: string | null;
  message_id: string | null;
}

describe('SMTP relays that stall', () => {
  let street: TestStreet;
  let relay: StallingRelay;
  let db: Database;
  let offsetMs = 0;

  beforeAll(async () => {
    Object.assign(process.env, ENV);
    street = await startStreet([FIXTURE_STREET]);
    relay = await startStallingRelay({ port: street.smtp.port });
    await street.startRuntime(
      {
        smtpRedirect: { host: '127.0.0.1', port: relay.port },
        // Shorter than the stall: the heartbeat must keep the step, not the lease's length.
        dispatchLeaseMs: 1_500,
        claimLeaseMs: 2_000,
      },
      { clock: () => new Date(Date.now() + offsetMs) },
    );
    db = await createDatabase(street.db.url);
  });
  afterAll(async () => {
    await db?.end();
    await street?.stop();
    await relay?.stop();
    for (const key of Object.keys(ENV)) delete process.env[key];
  });

  const stepOf = (externalId: string) =>
    db.maybeOne(sql.unsafe`
      SELECT s.id, s.status, s.attempts, s.reason, m.id AS message_id
      FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
      LEFT JOIN messages m ON m.step_row_id = s.id
      WHERE r.external_id = ${externalId} AND s.kind = 'send'`) as Promise<StepState | null>;
  const mailsWithId = (id: string) =>
    street.smtp.messages.filter((m) => new RegExp(`^X-Outputstraat-Message-Id: *${id}`, 'im').test(m.raw));
  const historyOf = async (messageId: string) =>
    (await db.any(sql.unsafe`
      SELECT status, source, detail FROM message_status_history WHERE message_id = ${messageId} ORDER BY id`)) as unknown as {
      status: string;
      source: string | null;
      detail: Record<string, unknown> | null;
    }[];

  /** Posts a receivable while the relay is in `mode`; the next connections are forwarded to the sink. */
  async function stallFirstAttempt(n: number, mode: 'silent' | 'stall-after-data') {
    offsetMs = 0; // the clock of an earlier test ran ahead to its retry
    relay.closeAll(); // the pooled connection of an earlier mail would carry this one
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = relay.connections.length;
    relay.mode = mode;
    const receivable = fixtureReceivable(n);
    expect((await street.post('/v1/receivables', receivable, FIXTURE_KEY)).status).toBe(202);
    const first = await eventually(
      async () => {
        const conn = relay.connections[before];
        return conn && (mode === 'silent' || conn.messageId !== undefined) ? conn : undefined;
      },
      15_000,
      `the first attempt to reach the ${mode} relay`,
    );
    // From now on a second copy would reach the real sink: nothing may be sent while the first attempt is
    // still connected.
    relay.mode = 'forward';
    return { externalId: receivable.externalId, first };
  }

  async function expectRetriedOnceAfterBackoff(
    externalId: string,
    first: RelayConnection,
    messageId: string,
  ) {
    await eventually(
      async () => first.closedAt !== undefined,
      15_000,
      'the stalled connection to be closed by us',
    );
    // The first attempt was connected until now, and the sink has had nothing yet.
    expect(mailsWithId(messageId)).toHaveLength(0);
    const failed = await eventually(
      async () => {
        const s = await stepOf(externalId);
        return s?.status === 'scheduled' && s.attempts === 1 ? s : undefined;
      },
      5_000,
      'the failed attempt to be recorded and the step to wait for its retry',
    );
    expect(failed.message_id).toBe(messageId);
    // Nothing goes out again before the backoff, however long the lease is.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(mailsWithId(messageId)).toHaveLength(0);
    expect((await stepOf(externalId))?.attempts).toBe(1);

    offsetMs += FIRST_BACKOFF_MS + 1_000;
    const sent = await eventually(
      async () => {
        const s = await stepOf(externalId);
        return s?.status === 'sent' ? s : undefined;
      },
      15_000,
      'the retry to be sent',
    );
    expect(sent).toMatchObject({ attempts: 2, message_id: messageId });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // One copy at the sink, the same message (same id) the stalled attempt carried.
    expect(mailsWithId(messageId)).toHaveLength(1);
    const messages = await db.any(sql.unsafe`
      SELECT m.id FROM messages m JOIN receivables r ON r.id = m.receivable_id WHERE r.external_id = ${externalId}`);
    expect(messages.map((m) => m.id)).toEqual([messageId]);
    return failed;
  }

  it('a relay that accepts the connection and never greets: the attempt ends after the greeting timeout, the step is retried later, one copy arrives', async () => {
    const { externalId, first } = await stallFirstAttempt(1, 'silent');
    const messageId = await eventually(
      async () => (await stepOf(externalId))?.message_id ?? undefined,
      5_000,
      'the message row',
    );
    const failed = await expectRetriedOnceAfterBackoff(externalId, first, messageId);
    expect(first.closedAt! - first.openedAt).toBeGreaterThanOrEqual(STALL_MS - 100);
    expect(first.closedAt! - first.openedAt).toBeLessThan(STALL_MS + 2_000);
    expect(failed.reason).toContain('Greeting never received');
    const attempt = (await historyOf(messageId)).find((h) => h.status === 'attempt-failed');
    expect(attempt).toMatchObject({
      source: 'dispatch',
      detail: { attempt: 1, code: 'OST_ERR_CHANNEL_SEND' },
    });
    expect(String(attempt?.detail?.error)).toContain('the relay stopped answering');
  });

  it('a relay that takes the whole message after DATA and never answers: our side hangs up after the socket timeout, and the retry sends the same message once', async () => {
    const { externalId, first } = await stallFirstAttempt(2, 'stall-after-data');
    expect(first.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await expectRetriedOnceAfterBackoff(externalId, first, first.messageId!);
    expect(failed.reason).toContain('Timeout');
    const history = (await historyOf(first.messageId!)).map((h) => h.status);
    expect(history).toEqual(['sending', 'attempt-failed', 'sent']);
  });
});
