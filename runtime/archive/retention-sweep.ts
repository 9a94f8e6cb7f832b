// Retention per corporation (Corporation spec retentionDays): after the period a message keeps what the
// counts need — channel, template, status and its history, dates — and loses what identifies or addresses
// the debtor: content, recipient, subject, the archived parts (PDFs included) and provider details in the
// history. A letter still waiting in an unsent print batch is kept until the batch is uploaded.

import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';

export async function sweepCorporation(
  db: Database,
  corporation: string,
  retentionDays: number,
  now: Date,
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  return Number(
    await db.oneFirst(sql.unsafe`
      WITH purged AS (
        UPDATE messages m SET content = NULL, recipient = NULL, subject = NULL, purged_at = ${now.toISOString()}
        WHERE m.corporation = ${corporation} AND m.purged_at IS NULL AND m.created_at < ${cutoff}
          AND m.status <> 'sending'
          AND NOT EXISTS (SELECT 1 FROM print_letters l JOIN print_batches b ON b.id = l.batch_id
                          WHERE l.message_id = m.id AND b.status <> 'uploaded')
        RETURNING m.id),
      parts AS (DELETE FROM message_parts WHERE message_id IN (SELECT id FROM purged) RETURNING 1),
      history AS (UPDATE message_status_history SET detail = NULL
                  WHERE message_id IN (SELECT id FROM purged) AND detail IS NOT NULL RETURNING 1)
      SELECT count(*) FROM purged`),
  );
}

export async function sweepRetention(db: Database, bundles: BundleStore, now: Date): Promise<number> {
  let total = 0;
  for (const corporation of bundles.corporations()) {
    const days = bundles.get(corporation)?.corporation.retentionDays;
    if (!days || days <= 0) continue;
    total += await sweepCorporation(db, corporation, days, now);
  }
  return total;
}

export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly deps: { db: Database; bundles: BundleStore; log: Logger },
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = sweepRetention(this.deps.db, this.deps.bundles, new Date())
        .then((n) => n > 0 && this.deps.log.info({ messages: n }, 'retention sweep removed personal content'))
        .catch((err: unknown) =>
          this.deps.log.warn({ err: (err as Error).message }, 'retention sweep failed'),
        )
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
