// Outbound webhooks: the corporation's event feed POSTed, signed, to every webhook Channel (type webhook,
// provider http) in its bundle whose signing secret (key `hmacSecret` of the channel's
// credentialsSecretRef) the runtime has. A channel without the secret gets nothing: unsigned events
// would be worthless to the receiver.
//
// Each channel has a cursor in Postgres (webhook_cursors) over the same ordered feed as GET /v1/events.
// Batches go out one at a time and the cursor moves only after a 2xx, so delivery is at-least-once and
// in feed order; a failure holds the channel back (exponential backoff with jitter, stored in the row so
// every replica respects it) and the same events go again. Receivers deduplicate on `seq`.
// Every replica runs the worker; a session advisory lock per channel lets one deliver at a time. It is
// held on a connection outside any transaction, so a slow endpoint never holds back the feed's horizon.
// The URL comes from a tenant's Channel: it is posted to through the SSRF guard (platform/outbound), and a
// refused URL is recorded on the cursor (last_error) like any other failure, without a request.
import type { BundleChannel } from '../../core/bundle/types.js';
import { createError, isOutputstraatError } from '../../core/errors/index.js';
import { backoffDelay } from '../../platform/backoff.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { GuardedHttp } from '../../platform/outbound/index.js';
import type { BundleStore } from '../bundles/index.js';
import { channelSecret, type SecretLookup } from '../bundles/index.js';
import { type FeedEvent, readEvents } from '../dossiers/index.js';
import { webhookSignature } from './webhook-signature.js';

/** First key of the two-key advisory locks this worker takes: 'OW' (Outputstraat Webhooks). */
const LOCK_CLASS = 0x4f57;

export interface WebhookDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  /** Where the channel's signing secret (credentialsSecretRef key `hmacSecret`) comes from. */
  secrets: SecretLookup;
  /** The guarded client every delivery goes out through (allow-list, deadline). */
  http: GuardedHttp;
}

export interface WebhookOptions {
  intervalMs?: number;
  batchSize?: number;
  /** Deadline of one delivery; the guarded client's (OST_WEBHOOK_TIMEOUT_MS) when unset. */
  timeoutMs?: number;
  /** Backoff after the first failure; doubles per failure up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Batches one channel may send per round before the other channels get a turn. */
  maxBatchesPerRound?: number;
  /** Channels delivered at the same time; each holds a database connection while it delivers. */
  concurrency?: number;
}

interface Target {
  corporation: string;
  channel: BundleChannel;
  url: string;
  secret: string;
}

export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private inFlight: Promise<unknown> = Promise.resolve();
  private readonly unsigned = new Set<string>();
  private readonly o: Required<Omit<WebhookOptions, 'timeoutMs'>> & Pick<WebhookOptions, 'timeoutMs'>;

  constructor(
    private readonly deps: WebhookDeps,
    options: WebhookOptions = {},
  ) {
    this.o = {
      intervalMs: 500,
      batchSize: 100,
      retryBaseMs: 1_000,
      retryMaxMs: 10 * 60_000,
      maxBatchesPerRound: 20,
      concurrency: 4,
      ...options,
    };
  }

  start(): void {
    this.stopped = false;
    this.loop();
  }

  private loop(): void {
    if (this.stopped) return;
    this.inFlight = this.round()
      .catch((err: unknown) => this.deps.log.error({ err }, 'webhook round failed'))
      .then(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.loop(), this.o.intervalMs);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  /** One round over every webhook channel of every corporation, a few channels at a time. */
  async round(): Promise<void> {
    const targets = this.targets();
    const next = async (): Promise<void> => {
      const target = targets.shift();
      if (!target || this.stopped) return;
      await this.deliver(target).catch((err: unknown) =>
        this.deps.log.error(
          { err, corporation: target.corporation, channel: target.channel.name },
          'webhook delivery failed',
        ),
      );
      return next();
    };
    await Promise.all(Array.from({ length: this.o.concurrency }, next));
  }

  private targets(): Target[] {
    const out: Target[] = [];
    for (const corporation of this.deps.bundles.corporations()) {
      const bundle = this.deps.bundles.get(corporation);
      for (const channel of Object.values(bundle?.channels ?? {})) {
        const url = channel.spec.http?.url;
        if (channel.spec.type !== 'webhook' || channel.spec.provider !== 'http' || !url) continue;
        const secret = channelSecret(this.deps.secrets, channel, 'hmacSecret');
        if (!secret) {
          this.warnUnsigned(corporation, channel);
          continue;
        }
        out.push({ corporation, channel, url, secret });
      }
    }
    return out;
  }

  private warnUnsigned(corporation: string, channel: BundleChannel): void {
    const key = `${corporation}/${channel.name}`;
    if (this.unsigned.has(key)) return;
    this.unsigned.add(key);
    this.deps.log.warn(
      { corporation, channel: channel.name, secret: channel.spec.credentialsSecretRef?.name ?? null },
      'webhook channel has no hmacSecret available; it receives no events',
    );
  }

  private async deliver(t: Target): Promise<void> {
    const lockKey = `${t.corporation}/${t.channel.name}`;
    await this.deps.db.connect(async (conn) => {
      const locked = await conn.oneFirst(
        sql.unsafe`SELECT pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${lockKey}))`,
      );
      if (!locked) return; // another replica delivers this channel right now
      try {
        await conn.query(sql.unsafe`
          INSERT INTO webhook_cursors (corporation, channel) VALUES (${t.corporation}, ${t.channel.name})
          ON CONFLICT DO NOTHING`);
        for (let batch = 0; batch < this.o.maxBatchesPerRound && !this.stopped; batch++) {
          const cursor = await conn.one(sql.unsafe`
            SELECT cursor_xact::text AS xact, cursor_seq, attempts, next_attempt_at <= now() AS due
            FROM webhook_cursors WHERE corporation = ${t.corporation} AND channel = ${t.channel.name}`);
          if (!cursor.due) return;
          const from = { xact: cursor.xact as string, seq: Number(cursor.cursor_seq) };
          const events = await readEvents(conn, t.corporation, from, this.o.batchSize);
          if (events.length === 0) return;
          const failure = await this.post(t, events).then(
            () => undefined,
            (err: Error) => err,
          );
          if (failure) {
            await this.recordFailure(conn, t, Number(cursor.attempts) + 1, failure);
            return;
          }
          const last = events.at(-1)!;
          const [xact, seq] = last.cursor.split('-');
          await conn.query(sql.unsafe`
            UPDATE webhook_cursors SET cursor_xact = ${xact!}::xid8, cursor_seq = ${Number(seq)}, attempts = 0,
              last_error = NULL, delivered_at = now()
            WHERE corporation = ${t.corporation} AND channel = ${t.channel.name}`);
          if (events.length < this.o.batchSize) return;
        }
      } finally {
        await conn.query(sql.unsafe`SELECT pg_advisory_unlock(${LOCK_CLASS}, hashtext(${lockKey}))`);
      }
    });
  }

  private async post(t: Target, events: FeedEvent[]): Promise<void> {
    const body = JSON.stringify({ type: 'events', corporation: t.corporation, events });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'outputstraat-webhooks/1',
      'outputstraat-signature': webhookSignature(t.secret, Math.floor(Date.now() / 1000), body),
    };
    let status: number;
    try {
      ({ status } = await this.deps.http.post(t.url, {
        headers,
        body,
        ...(this.o.timeoutMs ? { timeoutMs: this.o.timeoutMs } : {}),
      }));
    } catch (cause) {
      if (isOutputstraatError(cause)) throw cause;
      throw createError(
        'OST_ERR_WEBHOOK_DELIVERY',
        [t.channel.name, t.corporation, (cause as Error).message],
        {
          cause,
        },
      );
    }
    if (status < 200 || status >= 300) {
      throw createError('OST_ERR_WEBHOOK_DELIVERY', [t.channel.name, t.corporation, `HTTP ${status}`]);
    }
  }

  private async recordFailure(
    conn: Pick<Database, 'query'>,
    t: Target,
    attempts: number,
    err: Error,
  ): Promise<void> {
    // Equal jitter: half the delay fixed, half random, so receivers that failed together do not retry together.
    const delayMs = backoffDelay(attempts - 1, {
      initialMs: this.o.retryBaseMs,
      maxMs: this.o.retryMaxMs,
      jitter: 'equal',
    });
    await conn.query(sql.unsafe`
      UPDATE webhook_cursors SET attempts = ${attempts}, last_error = ${err.message},
        next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
      WHERE corporation = ${t.corporation} AND channel = ${t.channel.name}`);
    this.deps.log.warn(
      {
        corporation: t.corporation,
        channel: t.channel.name,
        attempts,
        retryInMs: delayMs,
        code: (err as { code?: string }).code,
      },
      'webhook delivery failed; retrying later',
    );
  }
}
