// The email channel's SMTP connections live in a worker thread of their own (smtp-relay-worker.ts). A
// relay's answers arrive a few at a time and nodemailer reads them one turn of the event loop each; on the
// dispatch pod's thread a turn also renders, builds and records whole groups of messages, so each answer
// waited for that, the five connections of a relay stood idle between answers and they, not the CPU,
// bounded a pod's sends (docs/operations.md, "Capacity"). The main thread hands over the exact bytes and
// gets back "sent" or the relay's error; a stop (deadline, lost claim) is passed on and answered only once
// the worker has destroyed that connection, as SmtpRelayPool does on one thread.
import { Worker } from 'node:worker_threads';
import { workerModule } from '../../platform/worker-module.js';
import { abortError, type SmtpRelayOptions } from './smtp-relay-pool.js';

export type RelayRequest =
  | {
      op: 'send';
      id: number;
      key: string;
      options: SmtpRelayOptions;
      envelope: { from: string; to: string[] };
      raw: Uint8Array;
    }
  | { op: 'abort'; id: number; reason: string }
  | { op: 'close' };

export interface RelayReply {
  id: number;
  error?: {
    name: string;
    message: string;
    code?: string;
    responseCode?: number;
    command?: string;
    response?: string;
  };
}

/** The reply id that says the worker closed its connections and has no send left in flight. */
export const CLOSED = -1;
/** A send that arrives at a closed worker, or waits for a connection while it closes. */
export const POOL_CLOSED = {
  name: 'Error',
  message: 'the SMTP connection pool was closed',
  code: 'ECONNECTION',
};
/** How long close() lets the sends in flight end before it stops the worker anyway. */
const CLOSE_GRACE_MS = 10_000;

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

function startWorker(): Worker {
  const { url, execArgv } = workerModule('smtp-relay-worker', import.meta.url);
  return new Worker(url, { execArgv });
}

/** The relay's error as the connection reported it, rebuilt on this thread. */
function errorOf(e: NonNullable<RelayReply['error']>): Error {
  const { name, message, ...fields } = e;
  return Object.assign(new Error(message), { name }, fields);
}

export class SmtpRelayThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private closing: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  /** Hands `raw` to the relay `key` (its connection settings in `options`); rejects as SmtpRelayPool does. */
  send(
    key: string,
    options: SmtpRelayOptions,
    envelope: { from: string; to: string[] },
    raw: Buffer,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const worker = this.start();
    const id = this.next++;
    // A view on a larger buffer would send all of it: only the message's own bytes cross.
    const bytes =
      raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength
        ? raw
        : Uint8Array.prototype.slice.call(raw);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () =>
        worker.postMessage({
          op: 'abort',
          id,
          reason: signal.reason instanceof Error ? signal.reason.message : String(signal.reason),
        } satisfies RelayRequest);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      });
      worker.postMessage({ op: 'send', id, key, options, envelope, raw: bytes } satisfies RelayRequest);
    });
  }

  /**
   * Closes the connections and ends the worker. Sends waiting for a connection fail (ECONNECTION); those
   * handed over end first, for up to 10 s, then fail too.
   */
  close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    this.closing ??= (async () => {
      this.worker = undefined;
      const closed = new Promise<void>((resolve) => {
        this.onClosed = resolve;
        setTimeout(resolve, CLOSE_GRACE_MS).unref();
      });
      worker.postMessage({ op: 'close' } satisfies RelayRequest);
      await closed;
      await worker.terminate();
      this.failAll(errorOf(POOL_CLOSED));
      this.closing = undefined;
    })();
    return this.closing;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.unref();
    worker.on('message', (reply: RelayReply) => {
      if (reply.id === CLOSED) return this.onClosed?.();
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.error) p.reject(errorOf(reply.error));
      else p.resolve();
    });
    const gone = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(Object.assign(err, { code: 'ECONNECTION' }));
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the SMTP worker thread stopped (exit code ${code})`)));
    // A worker that is gone answers no more: its sends fail, and the next send starts another.
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }
}
