import { isOutputstraatError } from '../core/errors/index.js';
import { createLogger } from '../platform/log.js';
import { parseProcessArgs } from '../platform/process-args.js';
import { readSettings } from '../platform/settings/runtime-settings.js';
import { startRuntime } from './start-runtime.js';

parseProcessArgs(
  'outputstraat-runtime',
  `Usage: outputstraat-runtime [-h|--help]

The Outputstraat runtime: the ERP API, intake, scheduler, dispatch, channels and debtor pages.
It takes no flags; it is configured by its environment (docs/operations.md lists every setting):
  DATABASE_URL, NATS_URL (and NATS credentials, TLS), PORT, HOST, PUBLIC_URL, METRICS_PORT,
  OST_LINK_SECRET, OST_WORKERS, LOG_LEVEL, the rate limits and ingress caps (OST_RATE_LIMIT_*, OST_NDJSON_*).
`,
  {},
);

const log = createLogger('runtime');
try {
  const runtime = await startRuntime(readSettings(), log);
  log.info({ url: runtime.url }, 'runtime ready');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down: draining in-flight work');
      runtime.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
} catch (err) {
  // A known failure (a setting, NATS refusing the login) is one line saying what to fix; only the
  // unexpected gets a stack trace.
  if (isOutputstraatError(err)) log.fatal({ code: err.code }, err.message);
  else log.fatal({ err }, (err as Error).message);
  process.exit(1);
}
