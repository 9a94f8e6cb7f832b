// The loop a team writes by hand: a jobs table, and workers that each take one job in a transaction with
// FOR UPDATE SKIP LOCKED, do it, write the archive row, delete the job and commit. The row lock is the
// lease: a worker that dies gives its job back when its connection goes. 16 workers, one connection each
// (our dispatch runs 16 sends per channel type per pod, OST_DISPATCH_CONCURRENCY).
import pg from 'pg';
import type { EmailJob } from './email-job.js';
import { batches, type Peer } from './peer.js';

const TABLE = 'bench_skip_locked_jobs';
const WORKERS = 16;
const IDLE_MS = 250;

export const skipLockedPeer: Peer = {
  name: 'SKIP LOCKED loop',
  key: 'skipLocked',
  version: '',
  settings: `${WORKERS} workers, one job per transaction, one connection each`,
  archiveTable: 'bench_skip_locked_archive',

  async enqueue(databaseUrl, jobs) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (id bigserial PRIMARY KEY, payload jsonb NOT NULL)`,
      );
      for (const batch of batches(jobs)) {
        await client.query(`INSERT INTO ${TABLE} (payload) SELECT unnest($1::jsonb[])`, [
          batch.map((job) => JSON.stringify(job)),
        ]);
      }
    } finally {
      await client.end();
    }
  },

  async pending(sql) {
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM ${TABLE}`);
    return rows[0].n as number;
  },

  async work(databaseUrl, runJob, ready) {
    const clients = await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        return client;
      }),
    );
    let stopping = false;
    const loop = async (client: pg.Client) => {
      while (!stopping) {
        await client.query('BEGIN');
        try {
          const { rows } = await client.query(
            `SELECT id, payload FROM ${TABLE} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
          );
          const row = rows[0] as { id: string; payload: EmailJob } | undefined;
          if (row) {
            await runJob(row.payload, client);
            await client.query(`DELETE FROM ${TABLE} WHERE id = $1`, [row.id]);
          }
          await client.query('COMMIT');
          if (!row) await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    };
    ready();
    const loops = clients.map(loop);
    return async () => {
      stopping = true;
      await Promise.all(loops);
      await Promise.all(clients.map((c) => c.end()));
    };
  },
};
