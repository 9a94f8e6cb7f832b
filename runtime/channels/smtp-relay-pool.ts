// Connections to one SMTP relay, reused for the bytes the email channel has already made. nodemailer's
// SMTPConnection speaks SMTP (greeting, STARTTLS, AUTH, envelope, DATA, the timeouts); this keeps up to
// `maxConnections` of them and lends each to one send at a time. nodemailer's own pool wraps every raw
// message as a mail again (a MailMessage, a MIME node, three streams) before the connection sees it: 0.28–0.37
// ms of CPU a mail against 0.13–0.16 for the connection alone, measured on this machine (docs/operations.md,
// "Capacity"). Like that pool, a connection carries at most `maxMessages` mails and is then replaced.
// A send that fails, or is aborted (the channel's deadline, the dispatcher's claim lost), destroys its
// connection before it rejects, so nothing more of that message reaches the relay and a retry never shares
// a connection with the attempt before it; the pool is never asked to resend anything itself.
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface SmtpRelayOptions {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  ignoreTLS: boolean;
  maxConnections: number;
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
  auth?: { user: string; pass: string } | undefined;
  /** Mails a connection carries before it is replaced (nodemailer's pool: 100). */
  maxMessages?: number;
}

interface Slot {
  conn: SMTPConnection;
  sent: number;
  dead: boolean;
}

interface Waiter {
  take(slot: Slot): void;
  fail(err: Error): void;
}

/** The error a stopped send rejects with: nodemailer's EABORT, which smtp-failure.ts words. */
export function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('Message sending aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'EABORT',
  });
}

export class SmtpRelayPool {
  private readonly idle: Slot[] = [];
  private readonly waiting: Waiter[] = [];
  /** Connections open or opening, lent or idle. */
  private open = 0;
  private closed = false;

  constructor(private readonly options: SmtpRelayOptions) {}

  /** Hands `raw` to the relay for `envelope`; rejects with the connection's error or EABORT. */
  async send(envelope: { from: string; to: string[] }, raw: Buffer, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw abortError(signal);
    const slot = await this.acquire(signal);
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          this.discard(slot);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        slot.conn.send(envelope, raw, (err) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return;
          if (err) reject(err);
          else resolve();
        });
      });
    } catch (err) {
      this.discard(slot);
      throw err;
    }
    slot.sent++;
    // Lent again a turn of the event loop later, as nodemailer's pool does: the connection takes its queued
    // answers one turn at a time, and lent at once the next envelope's answers crossed this one's (seen in
    // a third of smtp-relay-pool.test.ts's bursts: "all recipients were rejected: 354").
    setImmediate(() => this.release(slot));
  }

  /** Closes idle connections now, lent ones when their send ends; waiting sends fail. */
  close(): void {
    this.closed = true;
    for (const slot of this.idle.splice(0)) this.discard(slot);
    const gone = Object.assign(new Error('the SMTP connection pool was closed'), { code: 'ECONNECTION' });
    for (const w of this.waiting.splice(0)) w.fail(gone);
  }

  private acquire(signal: AbortSignal): Promise<Slot> {
    const ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    return new Promise<Slot>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortError(signal));
      };
      const waiter: Waiter = {
        take: (slot) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) this.release(slot);
          else resolve(slot);
        },
        fail: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.grow();
    });
  }

  /** Opens a connection for the first waiter while there are fewer than `maxConnections`. */
  private grow(): void {
    if (this.closed || this.waiting.length === 0 || this.open >= this.options.maxConnections) return;
    this.open++;
    this.connect().then(
      (slot) => this.release(slot),
      (err: Error) => {
        this.open--;
        // The waiter that made this connection needed is told why; the others wait for the next one.
        this.waiting.shift()?.fail(err);
        this.grow();
      },
    );
  }

  private connect(): Promise<Slot> {
    const o = this.options;
    const conn = new SMTPConnection({
      host: o.host,
      port: o.port,
      secure: o.secure,
      requireTLS: o.requireTLS,
      ignoreTLS: o.ignoreTLS,
      connectionTimeout: o.connectionTimeout,
      greetingTimeout: o.greetingTimeout,
      // nodemailer arms the silence timer and the greeting's for the same moment; a relay that never
      // greets is reported as such ("Greeting never received") when the silence one runs a millisecond on.
      socketTimeout: o.socketTimeout + 1,
      dnsTimeout: o.connectionTimeout,
      // A connection given up on is destroyed at once: nothing more of the message reaches the relay.
      socketCloseTimeout: 0,
    } as SMTPConnection.Options);
    const slot: Slot = { conn, sent: 0, dead: false };
    return new Promise<Slot>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) {
          slot.dead = true;
          conn.close();
          reject(err);
        } else resolve(slot);
      };
      // An idle connection the relay or its silence ends leaves the pool; a lent one fails its send.
      conn.on('error', (err) => {
        settle(err);
        this.drop(slot);
      });
      conn.once('end', () => {
        settle(Object.assign(new Error('the relay closed the connection'), { code: 'ECONNECTION' }));
        this.drop(slot);
      });
      conn.connect((err) => {
        if (err) return settle(err);
        if (!o.auth || !(conn as unknown as { allowsAuth?: boolean }).allowsAuth) return settle();
        conn.login(o.auth, (err) => settle(err ?? undefined));
      });
    });
  }

  /** A connection back from a send: to the next waiter, to the idle list, or closed when it has done enough. */
  private release(slot: Slot): void {
    if (slot.dead) return;
    if (this.closed || slot.sent >= (this.options.maxMessages ?? 100)) {
      slot.conn.quit();
      this.drop(slot);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.take(slot);
    else this.idle.push(slot);
  }

  /** Closes a connection and counts it gone; a waiter may then get a new one. */
  private discard(slot: Slot): void {
    if (!slot.dead) slot.conn.close();
    this.drop(slot);
  }

  private drop(slot: Slot): void {
    if (slot.dead) return;
    slot.dead = true;
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    this.open--;
    this.grow();
  }
}
