// `npm start`: the whole street on one machine — PostgreSQL, NATS JetStream, an SMTP sink that writes
// .eml files to .street/outbox, the operator reading flows/ and examples/ (and republishing on every
// change), and one runtime on http://127.0.0.1:8080.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { BUNDLE_BUCKET } from '../core/bundle/types.js';
import { BundlePublisher } from '../operator/publisher/bundle-publisher.js';
import { DirectorySource } from '../operator/sources/directory-source.js';
import { ensureStreams } from '../platform/bus/index.js';
import { createLogger } from '../platform/log.js';
import { packageRoot } from '../platform/package-root.js';
import { startRuntime } from '../runtime/start-runtime.js';
import { localNats } from './street/local-nats.js';
import { localPostgres } from './street/local-postgres.js';
import { startOutboxSink } from './street/outbox-sink.js';

const root = packageRoot();
const stateDir = resolve(process.env.STREET_DIR ?? join(root, '.street'));
mkdirSync(stateDir, { recursive: true });
const log = createLogger('street', process.env.LOG_LEVEL ?? 'warn');
const say = (line: string) => process.stdout.write(`${line}\n`);
const port = Number(process.env.PORT ?? 8080);
const paths = (process.env.STREET_PATHS ?? 'flows,examples').split(',').map((p) => join(root, p));
// Link tokens are derived from this key; a pod gets it from a Secret, the local street has a demo value.
const DEMO_LINK_SECRET = 'local-street-demo-link-secret-not-for-production';

const stops: (() => Promise<unknown>)[] = [];
try {
  say('Outputstraat local street starting…');
  const pg = await localPostgres(stateDir, log);
  stops.unshift(pg.stop);
  const nats = await localNats(stateDir, log);
  stops.unshift(nats.stop);
  const sink = await startOutboxSink(stateDir, say);
  stops.unshift(sink.stop);

  const nc = await connect({ servers: nats.url });
  stops.unshift(() => nc.close());
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, { log });
  const kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  const operatorLog = createLogger('operator', process.env.LOG_LEVEL ?? 'info');
  const source = new DirectorySource(paths, new BundlePublisher(kv, operatorLog), operatorLog);
  stops.unshift(() => source.close());
  const first = await source.watch();
  for (const b of first.bundles)
    say(`config  ${b.corporation.id}  revision ${b.revision}  (${Object.keys(b.flows).length} flows)`);
  if (first.errors.length > 0)
    say(`config  ${first.errors.length} error(s) in flows/examples: see the log above`);

  const runtime = await startRuntime(
    {
      databaseUrl: pg.url,
      natsUrl: nats.url,
      host: '127.0.0.1',
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      instanceId: 'local-street',
      linkSecret: process.env.OST_LINK_SECRET ?? DEMO_LINK_SECRET,
      smtpRedirect: { host: '127.0.0.1', port: sink.port },
      schedulerIntervalMs: 250,
      claimLeaseMs: 60_000,
    },
    createLogger('runtime', process.env.LOG_LEVEL ?? 'warn'),
  );
  stops.unshift(() => runtime.close());
  say(`runtime ${runtime.url}  (POST /v1/receivables, GET /v1/receivables/{externalId}, /metrics)`);
  say(`outbox  ${sink.outbox}`);
  say(
    'ready — try: curl -s -X POST http://127.0.0.1:8080/v1/receivables -H "Authorization: Bearer demo-woonstad-noord-key" -H "Content-Type: application/json" --data @examples/01-woonstad-noord/receivables/storno.json',
  );
} catch (err) {
  say(`could not start the street: ${(err as Error).message}`);
  for (const stop of stops) await stop().catch(() => undefined);
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    say('stopping the street…');
    for (const stop of stops) await stop().catch(() => undefined);
    process.exit(0);
  });
}
