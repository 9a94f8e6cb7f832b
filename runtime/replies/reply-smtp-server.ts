// The inbound SMTP endpoint for email replies (off unless OST_REPLY_SMTP_PORT and OST_REPLY_DOMAIN are
// set): the MX of the reply domain points here. Only a known reply address is accepted — any other
// recipient is refused at RCPT TO with 550, before a byte of the mail is read — a mail over the size limit
// is refused with 552, and a silent or slow client is cut off. An accepted mail is parsed (mailparser),
// its quoted text stripped, and stored as a reply of the debtor the address names. Nothing is ever
// answered by mail.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { stripQuoted } from '../../core/replies/index.js';
import type { Logger } from '../../platform/log.js';
import { type RecordedReply, type ReplyDeps, recordReply } from './record-reply.js';
import { type MatchedMessage, messageOfReplyToken, replyTokenIn } from './reply-address.js';

export interface ReplySmtpOptions {
  host: string;
  port: number;
  domain: string;
  /** Largest mail accepted, in bytes (OST_REPLY_SMTP_MAX_BYTES). */
  maxBytes: number;
  /** Silence allowed on a connection (OST_REPLY_SMTP_SOCKET_TIMEOUT_MS). */
  socketTimeoutMs: number;
  /** Connections at once (OST_REPLY_SMTP_MAX_CLIENTS). */
  maxClients: number;
}

export interface ReplySmtpServer {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

/**
 * Parses one accepted mail and stores it as a reply to each message its accepted recipients name (one,
 * nearly always). The mail's Message-ID with our message id makes a repeated delivery one reply.
 */
export async function handleEmailReply(
  deps: ReplyDeps,
  recipients: readonly MatchedMessage[],
  raw: Buffer,
): Promise<RecordedReply[]> {
  const mail = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true, skipTextLinks: true });
  const text = stripQuoted(mail.text ?? '');
  const sender = (mail.from?.value[0]?.address ?? '').slice(0, 320);
  const stored: RecordedReply[] = [];
  for (const matched of recipients) {
    stored.push(
      await recordReply(deps, {
        corporation: matched.corporation,
        channel: 'email',
        providerId: mail.messageId ? `${mail.messageId.slice(0, 500)} ${matched.message.id}` : undefined,
        sender,
        text,
        message: matched.message,
      }),
    );
  }
  return stored;
}

/** The messages the accepted recipients of a session name (each was checked at RCPT TO). */
async function recipientsOf(
  deps: ReplyDeps,
  domain: string,
  addresses: readonly SMTPServerAddress[],
): Promise<MatchedMessage[]> {
  const found = new Map<string, MatchedMessage>();
  for (const { address } of addresses) {
    const token = replyTokenIn(address, domain);
    const m = token ? await messageOfReplyToken(deps.db, token) : undefined;
    if (m) found.set(m.message.id, m);
  }
  return [...found.values()];
}

export async function startReplySmtpServer(
  deps: ReplyDeps,
  options: ReplySmtpOptions,
): Promise<ReplySmtpServer> {
  const log: Logger = deps.log;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxBytes,
    socketTimeout: options.socketTimeoutMs,
    closeTimeout: options.socketTimeoutMs,
    maxClients: options.maxClients,
    logger: false,
    banner: 'Outputstraat reply intake',
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const token = replyTokenIn(address.address, options.domain);
      if (!token) return callback(smtpError(550, 'no such reply address'));
      messageOfReplyToken(deps.db, token).then(
        (m) => callback(m ? undefined : smtpError(550, 'no such reply address')),
        (err: unknown) => {
          log.warn({ err: (err as Error).message }, 'reply address lookup failed; the sender retries');
          callback(smtpError(451, 'try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      // Nothing past the limit is kept in memory, however much the client keeps sending.
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= options.maxBytes) chunks.push(c);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > options.maxBytes)
          return callback(smtpError(552, 'message too large'));
        recipientsOf(deps, options.domain, session.envelope.rcptTo)
          .then((recipients) => handleEmailReply(deps, recipients, Buffer.concat(chunks)))
          .then(
            (replies) => {
              // Ids and the class only: never the sender or the text.
              for (const reply of replies)
                log.info({ reply: reply.id, class: reply.classification }, 'email reply stored');
              callback();
            },
            (err: unknown) => {
              log.warn(
                { err: (err as Error).message },
                'email reply could not be stored; the sender retries',
              );
              callback(smtpError(451, 'try again later'));
            },
          );
      });
    },
  });
  server.on('error', (err) => log.warn({ err: err.message }, 'reply SMTP session error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  log.info({ port, domain: options.domain }, 'reply SMTP endpoint listening');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
