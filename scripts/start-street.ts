// `npm start`: the whole street on one machine — PostgreSQL, NATS JetStream, an SMTP sink that writes
// .eml files to .street/outbox, the operator reading flows/ and examples/ (and republishing on every
// change), and one runtime on http://127.0.0.1:8080.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BUNDLE_BUCKET } from '../core/bundle/types.js';
import { BundlePublisher } from '../operator/publisher/bundle-publisher.js';
import { DirectorySource } from '../operator/sources/directory-source.js';
import { connectBus, ensureStreams } from '../platform/bus/index.js';
import { createLogger, logFile } from '../platform/log.js';
import { packageRoot } from '../platform/package-root.js';
import { natsOptionsFromEnv } from '../platform/settings/nats-options.js';
import { startRuntime } from '../runtime/start-runtime.js';
import { setDemoSecrets } from './street/demo-secrets.js';
import { localNats } from './street/local-nats.js';
import { localPostgres } from './street/local-postgres.js';
import { startLocalPsp } from './street/local-psp.js';
import { startOutboxSink } from './street/outbox-sink.js';

const root = packageRoot();
const stateDir = resolve(process.env.STREET_DIR ?? join(root, '.street'));
mkdirSync(stateDir, { recursive: true });
// The terminal is for people: one line per thing the street did. The JSON logs go to a file (LOG_LEVEL
// sets how much; `tail -f .street/street.log`).
const logPath = join(stateDir, 'street.log');
const logs = logFile(logPath);
const level = process.env.LOG_LEVEL ?? 'info';
const log = createLogger('street', level, logs);
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
  const psp = await startLocalPsp(Number(process.env.STREET_PSP_PORT ?? 0));
  stops.unshift(psp.stop);

  // NATS_URL may name a server that wants credentials or TLS: the same variables as in a cluster.
  const natsSecurity = process.env.NATS_URL ? natsOptionsFromEnv() : {};
  const nc = await connectBus(nats.url, { name: 'outputstraat-street', log, security: natsSecurity });
  stops.unshift(() => nc.close());
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, { log });
  const kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  const operatorLog = createLogger('operator', level, logs);
  const source = new DirectorySource(paths, new BundlePublisher(kv, operatorLog), operatorLog);
  stops.unshift(() => source.close());
  const first = await source.watch();
  for (const b of first.bundles)
    say(`config  ${b.corporation.id}  revision ${b.revision}  (${Object.keys(b.flows).length} flows)`);
  if (first.errors.length > 0)
    say(`config  ${first.errors.length} error(s) in flows/examples: see ${logPath}`);
  const demo = setDemoSecrets(first.bundles);
  if (demo.length > 0) say(`secrets ${demo.length} demo value(s) for this laptop (${demo.join(', ')})`);

  const runtime = await startRuntime(
    {
      databaseUrl: pg.url,
      natsUrl: nats.url,
      nats: natsSecurity,
      host: '127.0.0.1',
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      instanceId: 'local-street',
      linkSecret: process.env.OST_LINK_SECRET ?? DEMO_LINK_SECRET,
      smtpRedirect: { host: '127.0.0.1', port: sink.port },
      schedulerIntervalMs: 250,
      claimLeaseMs: 60_000,
      metricsHost: '127.0.0.1',
      metricsPort: Number(process.env.METRICS_PORT ?? 9464),
    },
    createLogger('runtime', level, logs),
    { psp: psp.adapter },
  );
  stops.unshift(() => runtime.close());
  say(`runtime ${runtime.url}  (POST /v1/receivables, GET /v1/receivables/{externalId})`);
  say(`metrics ${runtime.metricsUrl}  (internal: /metrics, /openapi.json, /healthz, /readyz)`);
  say(`outbox  ${sink.outbox}`);
  say(`pay     ${psp.url}  (a local checkout: the payment link's "Betalen" lands here; no money moves)`);
  say(`logs    ${logPath}`);
  say(
    `ready — try: curl -s -X POST ${runtime.url}/v1/receivables -H "Authorization: Bearer demo-woonstad-noord-key" -H "Content-Type: application/json" --data @examples/01-woonstad-noord/receivables/storno.json`,
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
