// A peer: what a Node team would use instead of the street to send the same email jobs. The bench fills
// its queue (not timed), then starts it in a child process of its own, like our runtime, and times the
// drain. The parent side (schema, enqueue, pending) and the child side (work) of one peer live together.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { EmailJob, EmailJobRunner } from './email-job.js';

export interface Peer {
  /** As printed: the package name, or what the loop is. */
  name: string;
  /** Its key under `peers` in the JSON line. */
  key: string;
  /** The installed version (empty for our own loop). */
  version: string;
  /** The concurrency settings it runs with, and where they come from. */
  settings: string;
  /** Its own archive table. */
  archiveTable: string;
  /** Parent, not timed: creates the peer's schema and puts `jobs` on its queue. */
  enqueue(databaseUrl: string, jobs: readonly EmailJob[]): Promise<void>;
  /** Parent: jobs on the queue not finished yet (0 once drained). */
  pending(sql: pg.Pool): Promise<number>;
  /**
   * Child: starts working the queue with `run`; calls `ready` right before it takes the first job (the
   * clock starts there). Resolves to a graceful stop.
   */
  work(databaseUrl: string, run: EmailJobRunner, ready: () => void): Promise<() => Promise<void>>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The version of an installed package, as the report names it. */
export function installedVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8'));
  return String(manifest.version);
}

/** Rows a statement may insert at once when a peer's queue is filled. */
export const ENQUEUE_BATCH = 1_000;

export function* batches<T>(items: readonly T[], size = ENQUEUE_BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
