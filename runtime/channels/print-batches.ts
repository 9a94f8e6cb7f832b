// Uploads print batches: any replica claims a batch that is full or past its cutoff (FOR UPDATE SKIP
// LOCKED), uploads its PDFs and a manifest over SFTP, and records 'handed-to-print' for each letter. A
// failed upload is retried with backoff; a replica that died mid-upload leaves a stale claim that another
// replica takes over after the lease (the same file names are written again). An upload has deadlines
// (OST_SFTP_READY_TIMEOUT_MS, OST_SFTP_UPLOAD_TIMEOUT_MS) at most half that lease, so a replica that is
// alive has given up on its upload long before another one may take the batch.

import { backoffDelay } from '../../platform/backoff.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { channelSecret, requireChannelSecret, type SecretLookup } from '../bundles/index.js';
import { PRINT_BATCH_LEASE_MS, type ProviderTimeouts, TIMEOUT_DEFAULTS } from './channel-settings.js';
import { type UploadFile, uploadFiles } from './sftp-upload.js';

export interface PrintBatchDeps {
  db: Database;
  bundles: BundleStore;
  secrets: SecretLookup;
  log: Logger;
  instanceId: string;
  /** SFTP deadlines (TIMEOUT_DEFAULTS when not given). */
  timeouts?: ProviderTimeouts;
}

const LEASE_MS = PRINT_BATCH_LEASE_MS;
const backoffMs = (attempts: number) =>
  backoffDelay(attempts - 1, { initialMs: 60_000, maxMs: 60 * 60_000, jitter: 'none' });

interface BatchRow {
  id: string;
  corporation: string;
  channel: string;
  attempts: number;
  file_prefix: string;
  created_at: Date;
  closed_at: Date;
}

export interface ManifestLetter {
  letterId: string;
  file: string;
  pages: number;
  registered: boolean;
  corporation: string;
  sha256: string;
}

export class PrintBatchWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: PrintBatchDeps,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((err: unknown) => this.deps.log.error({ err }, 'print batch pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Uploads every batch that is due; returns how many were uploaded. */
  async runOnce(): Promise<number> {
    let uploaded = 0;
    for (let batch = await this.claim(); batch; batch = await this.claim()) {
      if (await this.upload(batch)) uploaded++;
    }
    return uploaded;
  }

  private async claim(): Promise<BatchRow | undefined> {
    const row = await this.deps.db.maybeOne(sql.unsafe`
      UPDATE print_batches SET status = 'uploading', claimed_at = now(), claimed_by = ${this.deps.instanceId},
        attempts = attempts + 1, closed_at = coalesce(closed_at, now())
      WHERE id = (
        SELECT id FROM print_batches
        WHERE (status IN ('closed', 'open') AND (status = 'closed' OR close_at <= now())
               AND (next_attempt_at IS NULL OR next_attempt_at <= now()) AND letters > 0)
           OR (status = 'uploading' AND claimed_at < now() - make_interval(secs => ${LEASE_MS / 1000}))
        ORDER BY close_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, corporation, channel, attempts, file_prefix, created_at, closed_at`);
    return (row as unknown as BatchRow | null) ?? undefined;
  }

  private async upload(batch: BatchRow): Promise<boolean> {
    const { db, log } = this.deps;
    const labels = { corporation: batch.corporation, channel: batch.channel, batch: batch.id };
    try {
      const channel = this.deps.bundles.get(batch.corporation)?.channels[batch.channel];
      const sftp = channel?.spec.sftp;
      if (!channel || !sftp)
        throw new Error(`channel ${batch.channel} has no sftp settings in the current bundle`);
      const letters = await db.any(sql.unsafe`
        SELECT l.message_id, l.file_name, l.pages, l.registered, l.corporation, p.body, p.sha256
        FROM print_letters l JOIN message_parts p ON p.message_id = l.message_id AND p.part = 'pdf'
        WHERE l.batch_id = ${batch.id} ORDER BY l.seq`);
      const manifestLetters: ManifestLetter[] = letters.map((l) => ({
        letterId: l.message_id as string,
        file: l.file_name as string,
        pages: l.pages as number,
        registered: l.registered as boolean,
        corporation: l.corporation as string,
        sha256: l.sha256 as string,
      }));
      const manifest = {
        batch: batch.id,
        corporation: batch.corporation,
        channel: batch.channel,
        createdAt: batch.created_at.toISOString(),
        closedAt: batch.closed_at.toISOString(),
        letters: manifestLetters,
        totals: {
          letters: manifestLetters.length,
          pages: manifestLetters.reduce((n, l) => n + l.pages, 0),
          registered: manifestLetters.filter((l) => l.registered).length,
        },
      };
      const files: UploadFile[] = [
        ...letters.map((l) => ({ name: l.file_name as string, body: l.body as Buffer })),
        {
          name: `${batch.file_prefix}-manifest.json`,
          body: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
        },
      ];
      await uploadFiles(
        {
          host: sftp.host,
          port: sftp.port ?? 22,
          username: requireChannelSecret(this.deps.secrets, channel, 'username'),
          password: channelSecret(this.deps.secrets, channel, 'password'),
          privateKey: channelSecret(this.deps.secrets, channel, 'privateKey'),
          hostKeySha256: sftp.hostKeySha256,
          what: `Channel ${channel.source.namespace}/${channel.name}`,
        },
        sftp.directory,
        files,
        {
          readyMs: (this.deps.timeouts ?? TIMEOUT_DEFAULTS).sftpReadyMs,
          uploadMs: (this.deps.timeouts ?? TIMEOUT_DEFAULTS).sftpUploadMs,
        },
      );
      await db.transaction(async (tx) => {
        await tx.query(sql.unsafe`
          UPDATE print_batches SET status = 'uploaded', uploaded_at = now(), last_error = NULL WHERE id = ${batch.id}`);
        await tx.query(sql.unsafe`
          INSERT INTO message_status_history (message_id, corporation, status, source, detail)
          SELECT message_id, corporation, 'handed-to-print', 'sftp-print',
            jsonb_build_object('batch', ${batch.id}::text, 'file', file_name, 'pages', pages)
          FROM print_letters WHERE batch_id = ${batch.id}`);
      });
      log.info({ ...labels, letters: letters.length }, 'print batch uploaded');
      return true;
    } catch (err) {
      await db.query(sql.unsafe`
        UPDATE print_batches SET status = 'closed', last_error = ${(err as Error).message},
          next_attempt_at = now() + make_interval(secs => ${backoffMs(batch.attempts) / 1000})
        WHERE id = ${batch.id}`);
      log.warn(
        { ...labels, attempt: batch.attempts, err: (err as Error).message },
        'print batch upload failed',
      );
      return false;
    }
  }
}
