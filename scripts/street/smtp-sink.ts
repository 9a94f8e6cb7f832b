import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message as the sink received it. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM); empty for a bounce. */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The full RFC 5322 message as sent after DATA, dot-stuffing removed. */
  raw: string;
}

export interface SmtpSinkOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the sink accepts anything and must not be reachable from elsewhere. */
  host?: string;
  /** Called for each message before the client gets its 250; a rejection answers 451 (try again). */
  onMessage(mail: ReceivedMail): void | Promise<void>;
}

export interface SmtpSink {
  host: string;
  port: number;
  stop(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/** A local SMTP server that accepts every message (no auth, no TLS) and hands it to `onMessage`. */
export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      receive(stream, session, options.onMessage).then(
        () => callback(),
        (err: unknown) => callback(withResponseCode(err, 451)),
      );
    },
  });
  // A client hanging up mid-session is reported as a server 'error'; it must not take the sink down.
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  onMessage: SmtpSinkOptions['onMessage'],
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded) {
    throw withResponseCode(new Error(`message exceeds ${MAX_MESSAGE_BYTES} bytes`), 552);
  }
  const { mailFrom, rcptTo } = session.envelope;
  await onMessage({
    from: mailFrom ? mailFrom.address : '',
    to: rcptTo.map((rcpt) => rcpt.address),
    raw: Buffer.concat(chunks).toString('utf8'),
  });
}

/** smtp-server answers with the error's `responseCode`; keep one that is already set. */
function withResponseCode(err: unknown, responseCode: number): Error & { responseCode: number } {
  const error = err instanceof Error ? err : new Error(String(err));
  const existing = (error as { responseCode?: unknown }).responseCode;
  return Object.assign(error, { responseCode: typeof existing === 'number' ? existing : responseCode });
}
