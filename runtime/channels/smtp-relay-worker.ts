// The worker thread of smtp-relay-thread.ts: it owns the SMTP connections (SmtpRelayPool, one per relay
// and account) and does nothing else, so a relay's answers are read as soon as they arrive instead of
// after whatever the dispatch pod's own thread is doing in that turn of its event loop.
import { parentPort } from 'node:worker_threads';
import { SmtpRelayPool } from './smtp-relay-pool.js';
import { CLOSED, POOL_CLOSED, type RelayReply, type RelayRequest } from './smtp-relay-thread.js';

if (!parentPort) throw new Error('smtp-relay-worker.ts runs as a worker thread (smtp-relay-thread.ts)');
const port = parentPort;
const pools = new Map<string, SmtpRelayPool>();
const inFlight = new Map<number, AbortController>();
let closing = false;

/** Once closed, the main thread hears so when the last send in flight has ended. */
function closedWhenIdle(): void {
  if (closing && inFlight.size === 0) port.postMessage({ id: CLOSED } satisfies RelayReply);
}

/** What the main thread needs of a failure to word it (smtp-failure.ts) and to tell it from a stop. */
function failureOf(err: unknown): RelayReply['error'] {
  const e = err as Error & { code?: string; responseCode?: number; command?: string; response?: string };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(err),
    ...(e?.code !== undefined ? { code: e.code } : {}),
    ...(e?.responseCode !== undefined ? { responseCode: e.responseCode } : {}),
    ...(e?.command !== undefined ? { command: e.command } : {}),
    ...(e?.response !== undefined ? { response: e.response } : {}),
  };
}

port.on('message', (req: RelayRequest) => {
  if (req.op === 'abort') {
    inFlight.get(req.id)?.abort(new Error(req.reason));
    return;
  }
  if (req.op === 'close') {
    closing = true;
    for (const pool of pools.values()) pool.close();
    pools.clear();
    closedWhenIdle();
    return;
  }
  const { id, key, options, envelope, raw } = req;
  if (closing) {
    port.postMessage({ id, error: POOL_CLOSED } satisfies RelayReply);
    return;
  }
  // A relay's pool is made by its first send, with that send's settings (the key names what they hold).
  let pool = pools.get(key);
  if (!pool) {
    pool = new SmtpRelayPool(options);
    pools.set(key, pool);
  }
  const controller = new AbortController();
  inFlight.set(id, controller);
  pool.send(envelope, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), controller.signal).then(
    () => {
      inFlight.delete(id);
      port.postMessage({ id } satisfies RelayReply);
      closedWhenIdle();
    },
    (err: unknown) => {
      inFlight.delete(id);
      port.postMessage({ id, error: failureOf(err) } satisfies RelayReply);
      closedWhenIdle();
    },
  );
});
