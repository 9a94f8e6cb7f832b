// Whether PostgreSQL answers now, and a wait until it does. Workers ask before they blame a message for a
// failure: while the database is away nothing a message carries is at fault, so the message is held (its
// ack wait kept alive) rather than counted towards its dead-lettering.

import { sql } from 'slonik';
import { Backoff, type BackoffOptions, sleep } from '../backoff.js';
import type { Database } from './create-database.js';

/** A round trip (`SELECT 1`) within `timeoutMs`. */
export async function databaseAnswers(db: Pick<Database, 'oneFirst'>, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      db.oneFirst(sql.unsafe`SELECT 1`).then(
        (one) => one === 1,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const WAIT: BackoffOptions = { initialMs: 250, maxMs: 10_000, jitter: 'equal' };

/** Resolves true once the database answers again, or false when `signal` aborts first. */
export async function waitForDatabase(
  db: Pick<Database, 'oneFirst'>,
  signal: AbortSignal,
  backoff: BackoffOptions = WAIT,
): Promise<boolean> {
  const pause = new Backoff(backoff);
  while (!signal.aborted) {
    if (await databaseAnswers(db)) return true;
    await sleep(pause.next(), signal);
  }
  return false;
}
