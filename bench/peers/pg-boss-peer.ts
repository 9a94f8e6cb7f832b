// pg-boss: jobs in Postgres, fetched with SKIP LOCKED by polling workers. Version 10 has no concurrency
// setting: each work() call is one polling loop that fetches up to batchSize jobs and, after handling
// them, waits out the rest of its polling interval (0.5 s at the least). Its documented way to more
// throughput is more loops and bigger batches, so it runs 4 loops of 100 jobs at the 0.5 s minimum (a
// ceiling of 800 jobs/s, above the SMTP floor), each batch sent at once through the one mail pool, on
// its default pool of 10 connections.

import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { EmailJob } from './email-job.js';
import { batches, installedVersion, type Peer } from './peer.js';

const QUEUE = 'bench-reminders';
const LOOPS = 4;
const WORK = { batchSize: 100, pollingIntervalSeconds: 0.5 };

function boss(databaseUrl: string, options: { supervise?: boolean } = {}): PgBoss {
  const b = new PgBoss({ connectionString: databaseUrl, max: 10, schedule: false, ...options });
  b.on('error', (err) => process.stderr.write(`pg-boss: ${err.message}\n`));
  return b;
}

export const pgBossPeer: Peer = {
  name: 'pg-boss',
  key: 'pgBoss',
  version: installedVersion('pg-boss'),
  settings: `${LOOPS} work() loops × batchSize ${WORK.batchSize}, pollingIntervalSeconds ${WORK.pollingIntervalSeconds} (the minimum), pool 10`,
  archiveTable: 'bench_pg_boss_archive',

  async enqueue(databaseUrl, jobs) {
    const b = boss(databaseUrl, { supervise: false });
    await b.start();
    try {
      await b.createQueue(QUEUE);
      for (const batch of batches(jobs)) await b.insert(batch.map((data) => ({ name: QUEUE, data })));
    } finally {
      await b.stop({ graceful: false, wait: true });
    }
  },

  async pending(sql: pg.Pool) {
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
      [QUEUE],
    );
    return rows[0].n as number;
  },

  async work(databaseUrl, runJob, ready) {
    const b = boss(databaseUrl);
    await b.start();
    ready();
    for (let i = 0; i < LOOPS; i++) {
      await b.work<EmailJob>(QUEUE, WORK, async (jobs) => {
        await Promise.all(jobs.map((job) => runJob(job.data)));
      });
    }
    return () => b.stop({ graceful: true, wait: true, timeout: 30_000 });
  },
};
