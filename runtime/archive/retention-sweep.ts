// Retention per corporation and kind of data (Corporation spec.retention; docs/privacy.md): once a kind's
// days have passed, the personal data of every table of that kind in the registry
// (runtime/dossiers/personal-data.ts) is erased and the counts, amounts, dates and statuses stay.
//
// The sweep works in batches of at most SWEEP_BATCH rows, one statement each, oldest first, skipping rows
// that others hold locked: it never makes intake, dispatch or a payment wait longer than one batch, and no
// transaction of it lives long enough to hold back the event feed (which shows an event only once every
// older transaction has ended; runtime/dossiers/event-feed.ts).
import type { BundleRetention } from '../../core/bundle/types.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { eraseRows, RETENTION_KINDS, type RetentionKind, ROOT_TABLES } from '../dossiers/index.js';

export const SWEEP_BATCH = 500;
const DAY_MS = 86_400_000;

export interface SweepOptions {
  /** Rows per statement (default SWEEP_BATCH). */
  batchSize?: number;
  /** Checked between batches: a stopping runtime ends the sweep after the batch in hand. */
  stopping?: () => boolean;
}

/** Rows erased per table. */
export type SweepReport = Record<string, number>;

function add(into: SweepReport, counts: Record<string, number>): void {
  for (const [table, n] of Object.entries(counts)) if (n > 0) into[table] = (into[table] ?? 0) + n;
}

/** Erases one kind of personal data older than `days` for one corporation, batch after batch. */
export async function sweepKind(
  db: Database,
  corporation: string,
  kind: RetentionKind,
  days: number,
  now: Date,
  options: SweepOptions = {},
): Promise<SweepReport> {
  const limit = options.batchSize ?? SWEEP_BATCH;
  const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
  const report: SweepReport = {};
  for (const group of ROOT_TABLES) {
    const retention = group.root.retention;
    if (retention.kind !== kind) continue;
    const old = sql.fragment`${sql.identifier([retention.since])} < ${cutoff}`;
    const where = retention.only ? sql.fragment`${old} AND ${retention.only}` : old;
    for (;;) {
      const counts = await eraseRows(db, group, corporation, {
        where,
        batch: { orderBy: retention.since, limit },
        erasure: false,
      });
      add(report, counts);
      if ((counts[group.root.table] ?? 0) < limit || options.stopping?.()) break;
    }
  }
  return report;
}

/** Every kind of one corporation, each after its own days. */
export async function sweepCorporation(
  db: Database,
  corporation: string,
  retention: BundleRetention,
  now: Date,
  options: SweepOptions = {},
): Promise<SweepReport> {
  const report: SweepReport = {};
  for (const kind of RETENTION_KINDS) {
    if (options.stopping?.()) break;
    add(report, await sweepKind(db, corporation, kind, retention[`${kind}Days`], now, options));
  }
  return report;
}

/** Every corporation with a loaded bundle. */
export async function sweepRetention(
  db: Database,
  bundles: BundleStore,
  now: Date,
  options: SweepOptions = {},
): Promise<SweepReport> {
  const report: SweepReport = {};
  for (const corporation of bundles.corporations()) {
    // A bundle from an operator older than spec.retention has none: leave that corporation for now.
    const retention = bundles.get(corporation)?.corporation.retention;
    if (!retention) continue;
    add(report, await sweepCorporation(db, corporation, retention, now, options));
  }
  return report;
}

export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: { db: Database; bundles: BundleStore; log: Logger; now?: () => Date },
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      const now = this.deps.now?.() ?? new Date();
      this.running = sweepRetention(this.deps.db, this.deps.bundles, now, { stopping: () => this.stopped })
        .then((rows) => {
          if (Object.keys(rows).length > 0)
            this.deps.log.info({ rows }, 'retention sweep erased personal data');
        })
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
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
