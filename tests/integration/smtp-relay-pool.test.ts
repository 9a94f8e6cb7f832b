// The email channel's connections to a relay (runtime/channels/smtp-relay-pool.ts), tried against a real
// SMTP server (smtp-server) and a relay that stalls on purpose: the bound on connections holds under a
// burst, a stopped send never reaches the relay and frees its place, a connection the relay drops or
// that fails to log in is never lent again, and the pool comes back when the relay does.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpRelayOptions, SmtpRelayPool } from '../../runtime/channels/smtp-relay-pool.js';
import { SmtpRelayThread } from '../../runtime/channels/smtp-relay-thread.js';
import { type StallingRelay, startStallingRelay } from '../support/stalling-relay.js';

interface Relay {
  port: number;
  /** Message ids received, in order. */
  received: string[];
  /** Sessions open now, and the most ever open at once. */
  open: number;
  peak: number;
  sessions: number;
  /** Milliseconds the relay waits before it answers a message's DATA. */
  delayMs: number;
  stop(): Promise<void>;
}

async function startRelay(auth?: { user: string; pass: string }, port = 0): Promise<Relay> {
  const relay: Relay = {
    port: 0,
    received: [],
    open: 0,
    peak: 0,
    sessions: 0,
    delayMs: 0,
    stop: async () => {},
  };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: auth ? ['STARTTLS'] : ['AUTH', 'STARTTLS'],
    authOptional: !auth,
    allowInsecureAuth: true,
    onAuth(a, _session, cb) {
      if (a.username === auth?.user && a.password === auth?.pass) cb(null, { user: a.username });
      else cb(new Error('Invalid username or password'));
    },
    onConnect(_session, cb) {
      relay.sessions++;
      relay.peak = Math.max(relay.peak, ++relay.open);
      cb();
    },
    onClose() {
      relay.open--;
    },
    onData(stream, _session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('latin1');
      });
      stream.on('end', () => {
        relay.received.push(/^X-Outputstraat-Message-Id: (\S+)/m.exec(raw)?.[1] ?? '?');
        setTimeout(cb, relay.delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  relay.port = (server.server.address() as AddressInfo).port;
  relay.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return relay;
}

const mail = (id: string) =>
  Buffer.from(
    `From: a@example.org\r\nTo: b@example.org\r\nX-Outputstraat-Message-Id: ${id}\r\n\r\nHallo ${id}\r\n`,
  );
const envelope = { from: 'a@example.org', to: ['b@example.org'] };
const never = () => new AbortController().signal;

interface Relays {
  send(envelope: { from: string; to: string[] }, raw: Buffer, signal: AbortSignal): Promise<void>;
  close(): void;
}

const settings = (port: number, extra: Partial<SmtpRelayOptions>): SmtpRelayOptions => ({
  host: '127.0.0.1',
  port,
  secure: false,
  requireTLS: false,
  ignoreTLS: true,
  maxConnections: 3,
  connectionTimeout: 2_000,
  greetingTimeout: 2_000,
  socketTimeout: 2_000,
  ...extra,
});

/** The pool on the test's own thread, as the worker runs it. */
const onThisThread = (port: number, extra: Partial<SmtpRelayOptions> = {}): Relays =>
  new SmtpRelayPool(settings(port, extra));

/** The pool in its worker thread, as the email channel uses it. */
function inWorker(port: number, extra: Partial<SmtpRelayOptions> = {}): Relays {
  const thread = new SmtpRelayThread();
  const options = settings(port, extra);
  return {
    send: (envelope, raw, signal) => thread.send(JSON.stringify(options), options, envelope, raw, signal),
    close: () => void thread.close(),
  };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: Error & { code?: string }) => err,
  );

describe.each([
  ['on one thread', onThisThread],
  ['in its worker thread', inWorker],
])('SMTP relay pool %s', (_where, poolFor) => {
  let relay: Relay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it('sends a burst of 40 over at most maxConnections connections, each mail once', async () => {
    const pool = poolFor(relay.port, { maxConnections: 3 });
    relay.received = [];
    relay.peak = relay.open;
    const ids = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    await Promise.all(ids.map((id) => pool.send(envelope, mail(id), never())));
    expect([...relay.received].sort()).toEqual([...ids].sort());
    expect(relay.peak).toBeLessThanOrEqual(3);
    pool.close();
  });

  it('a send stopped before it starts rejects with EABORT and opens no connection', async () => {
    const pool = poolFor(relay.port, { maxConnections: 1 });
    const before = relay.sessions;
    relay.received = [];
    const stopped = await failure(
      pool.send(envelope, mail('never'), AbortSignal.abort(new Error('claim lost'))),
    );
    expect(stopped?.code).toBe('EABORT');
    expect(relay.sessions).toBe(before);
    expect(relay.received).toEqual([]);
    pool.close();
  });

  it('replaces a connection after maxMessages mails', async () => {
    const pool = poolFor(relay.port, { maxConnections: 1, maxMessages: 2 });
    const before = relay.sessions;
    for (let i = 0; i < 5; i++) await pool.send(envelope, mail(`rotate-${i}`), never());
    expect(relay.sessions - before).toBe(3);
    pool.close();
  });

  it('a send waiting for a connection stops at its signal, never reaches the relay, and frees its place', async () => {
    const pool = poolFor(relay.port, { maxConnections: 1 });
    relay.received = [];
    relay.delayMs = 800;
    try {
      const slow = pool.send(envelope, mail('slow'), never());
      const started = Date.now();
      const stopped = await failure(pool.send(envelope, mail('stopped'), AbortSignal.timeout(100)));
      expect(stopped?.code).toBe('EABORT');
      expect(Date.now() - started).toBeLessThan(600);
      await slow;
      relay.delayMs = 0;
      await pool.send(envelope, mail('after'), never());
      expect(relay.received).toEqual(['slow', 'after']);
    } finally {
      relay.delayMs = 0;
      pool.close();
    }
  });

  it('closes the relay connection of a send stopped after DATA before it rejects; the next send connects anew', async () => {
    const stalling: StallingRelay = await startStallingRelay({ port: relay.port });
    const pool = poolFor(stalling.port, { maxConnections: 1 });
    try {
      stalling.mode = 'stall-after-data';
      // Stopped once the relay has the whole message, so the send is waiting for the answer to DATA
      // (a fixed timeout raced the worker thread's start on a loaded machine).
      const claim = new AbortController();
      const sending = failure(pool.send(envelope, mail('stalled'), claim.signal));
      await expect.poll(() => stalling.connections[0]?.messageId, { timeout: 10_000 }).toBe('stalled');
      claim.abort(new Error('claim lost'));
      const stopped = await sending;
      expect(stopped?.code).toBe('EABORT');
      await expect.poll(() => stalling.connections[0]?.closedAt, { timeout: 2_000 }).toBeDefined();
      stalling.mode = 'forward';
      relay.received = [];
      await pool.send(envelope, mail('through'), never());
      expect(relay.received).toEqual(['through']);
      expect(stalling.connections).toHaveLength(2);
    } finally {
      pool.close();
      await stalling.stop();
    }
  });

  it('a connection the relay closed while idle is not lent again', async () => {
    const stalling = await startStallingRelay({ port: relay.port });
    const pool = poolFor(stalling.port, { maxConnections: 1 });
    try {
      await pool.send(envelope, mail('first'), never());
      stalling.closeAll();
      await new Promise((r) => setTimeout(r, 100));
      relay.received = [];
      await pool.send(envelope, mail('second'), never());
      expect(relay.received).toEqual(['second']);
      expect(stalling.connections).toHaveLength(2);
    } finally {
      pool.close();
      await stalling.stop();
    }
  });

  it('wrong credentials fail each send with EAUTH and hold no place; the right ones deliver', async () => {
    const guarded = await startRelay({ user: 'street', pass: 'right' });
    const wrong = poolFor(guarded.port, { maxConnections: 1, auth: { user: 'street', pass: 'wrong' } });
    const right = poolFor(guarded.port, { maxConnections: 1, auth: { user: 'street', pass: 'right' } });
    try {
      for (let i = 0; i < 4; i++)
        expect((await failure(wrong.send(envelope, mail('x'), never())))?.code).toBe('EAUTH');
      await right.send(envelope, mail('authed'), never());
      expect(guarded.received).toEqual(['authed']);
      await expect.poll(() => guarded.open, { timeout: 1_000 }).toBe(1);
    } finally {
      wrong.close();
      right.close();
      await guarded.stop();
    }
  });

  it('a relay that is not there fails the send (ESOCKET, connection refused); the pool works once it is back', async () => {
    const gone = await startRelay();
    const port = gone.port;
    await gone.stop();
    const pool = poolFor(port, { maxConnections: 1 });
    try {
      for (let i = 0; i < 3; i++)
        expect((await failure(pool.send(envelope, mail('x'), never())))?.code).toBe('ESOCKET');
      const back = await startRelay(undefined, port);
      try {
        await pool.send(envelope, mail('back'), never());
        expect(back.received).toEqual(['back']);
      } finally {
        pool.close();
        await back.stop();
      }
    } finally {
      pool.close();
    }
  });

  it('a closed pool fails waiting sends and refuses no sends already lent a connection', async () => {
    const pool = poolFor(relay.port, { maxConnections: 1 });
    relay.delayMs = 300;
    relay.received = [];
    try {
      const lent = pool.send(envelope, mail('lent'), never());
      const waiting = failure(pool.send(envelope, mail('waiting'), never()));
      // The relay has the first mail and holds its answer: that send has the one connection.
      await expect.poll(() => relay.received, { timeout: 2_000 }).toEqual(['lent']);
      pool.close();
      expect((await waiting)?.code).toBe('ECONNECTION');
      await lent;
      expect(relay.received).toEqual(['lent']);
    } finally {
      relay.delayMs = 0;
    }
  });
});

describe('SMTP relay worker thread', () => {
  it('a worker that stops fails the sends it had (ECONNECTION), and the next send starts another', async () => {
    const relay = await startRelay();
    const stalling = await startStallingRelay({ port: relay.port });
    const thread = new SmtpRelayThread();
    const options = settings(stalling.port, { maxConnections: 1 });
    const key = JSON.stringify(options);
    try {
      stalling.mode = 'stall-after-data';
      const stuck = failure(thread.send(key, options, envelope, mail('stuck'), never()));
      await expect.poll(() => stalling.connections[0]?.messageId, { timeout: 2_000 }).toBe('stuck');
      await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      expect((await stuck)?.code).toBe('ECONNECTION');
      stalling.mode = 'forward';
      await thread.send(key, options, envelope, mail('next'), never());
      expect(relay.received).toEqual(['next']);
    } finally {
      await thread.close();
      await stalling.stop();
      await relay.stop();
    }
  });
});
