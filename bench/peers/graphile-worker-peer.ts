// graphile-worker: jobs in Postgres, LISTEN/NOTIFY plus SKIP LOCKED. It runs with the configuration its
// own performance page (worker.graphile.org/docs/performance) gives for its measured figures:
// concurrentJobs 24, maxPoolSize 25, a local queue of 500 and no delay before batching completions.
import { EventEmitter } from 'node:events';
import { Logger, makeWorkerUtils, run, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { EmailJob } from './email-job.js';
import { batches, installedVersion, type Peer } from './peer.js';

const TASK = 'send_reminder';
const quiet = new Logger(() => () => {});

const WORKER = {
  concurrentJobs: 24,
  maxPoolSize: 25,
  localQueue: { size: 500 },
  completeJobBatchDelay: 0,
  failJobBatchDelay: 0,
};

export const graphileWorkerPeer: Peer = {
  name: 'graphile-worker',
  key: 'graphileWorker',
  version: installedVersion('graphile-worker'),
  settings:
    'concurrentJobs 24, maxPoolSize 25, localQueue 500, completeJobBatchDelay 0 (its performance page)',
  archiveTable: 'bench_graphile_worker_archive',

  async enqueue(databaseUrl, jobs) {
    const utils = await makeWorkerUtils({ connectionString: databaseUrl, logger: quiet });
    try {
      await utils.migrate();
      for (const batch of batches(jobs)) {
        await utils.addJobs(batch.map((payload) => ({ identifier: TASK, payload })));
      }
    } finally {
      await utils.release();
    }
  },

  async pending(sql: pg.Pool) {
    const { rows } = await sql.query('SELECT count(*)::int AS n FROM graphile_worker._private_jobs');
    return rows[0].n as number;
  },

  async work(databaseUrl, runJob, ready) {
    // Connected and migrated, about to fetch: the clock starts here, as ours starts once a pod is ready.
    const events: WorkerEvents = new EventEmitter();
    events.once('pool:create', ready);
    const runner = await run({
      noHandleSignals: true,
      logger: quiet,
      events,
      preset: { worker: { connectionString: databaseUrl, ...WORKER } },
      taskList: { [TASK]: (payload) => runJob(payload as EmailJob) },
    });
    return () => runner.stop();
  },
};
