// A peer in its own process, like a runtime pod: `node --import tsx bench/peers/peer-process.ts <key>`
// with DATABASE_URL, BENCH_SMTP_PORT and BENCH_BUNDLE_FILE (the fixture corporation's bundle, as the
// runtime gets it from NATS KV). Prints `ready` on stdout right before it takes the first job; stops
// gracefully on SIGTERM.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { createEmailJob } from './email-job.js';
import { PEERS } from './peers.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start peers through bench/peers/measure-peers.ts`);
  return value;
}

const key = process.argv[2];
const peer = PEERS.find((p) => p.key === key);
if (!peer) throw new Error(`no peer "${key}"; one of ${PEERS.map((p) => p.key).join(', ')}`);
const databaseUrl = env('DATABASE_URL');
const bundle = JSON.parse(readFileSync(env('BENCH_BUNDLE_FILE'), 'utf8')) as ConfigBundle;
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const job = createEmailJob({
  bundle,
  smtpPort: Number(env('BENCH_SMTP_PORT')),
  pool,
  archiveTable: peer.archiveTable,
});
const stop = await peer.work(databaseUrl, job.run, () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => {
  void stop()
    .then(async () => {
      job.close();
      await pool.end();
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    });
});
