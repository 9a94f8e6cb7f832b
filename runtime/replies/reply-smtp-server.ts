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

/** Parses one accepted mail and stores it as a reply to the message its address names. */
export async function handleEmailReply(
  deps: ReplyDeps,
  matched: MatchedMessage,
  raw: Buffer,
): Promise<RecordedReply> {
  const mail = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true, skipTextLinks: true });
  const text = stripQuoted(mail.text ?? '');
  const sender = mail.from?.value[0]?.address ?? '';
  return recordReply(deps, {
    corporation: matched.corporation,
    channel: 'email',
    providerId: mail.messageId?.slice(0, 500),
    sender: sender.slice(0, 320),
    text,
    message: matched.message,
  });
}

export async function startReplySmtpServer(
  deps: ReplyDeps,
  options: ReplySmtpOptions,
): Promise<ReplySmtpServer> {
  const log: Logger = deps.log;
  const matches = new Map<string, MatchedMessage>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxBytes,
    socketTimeout: options.socketTimeoutMs,
    closeTimeout: options.socketTimeoutMs,
    maxClients: options.maxClients,
    logger: false,
    banner: 'Outputstraat reply intake',
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const token = replyTokenIn(address.address, options.domain);
      if (!token) return callback(smtpError(550, 'no such reply address'));
      messageOfReplyToken(deps.db, token).then(
        (m) => {
          if (!m) return callback(smtpError(550, 'no such reply address'));
          matches.set(session.id, m);
          callback();
        },
        (err: unknown) => {
          log.warn({ err: (err as Error).message }, 'reply address lookup failed; the sender retries');
          callback(smtpError(451, 'try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const matched = matches.get(session.id);
        if (stream.sizeExceeded) return callback(smtpError(552, 'message too large'));
        if (!matched) return callback(smtpError(554, 'no valid recipients'));
        handleEmailReply(deps, matched, Buffer.concat(chunks)).then(
          (reply) => {
            // Ids and the class only: never the sender or the text.
            log.info(
              { corporation: matched.corporation, reply: reply.id, class: reply.classification },
              'email reply stored',
            );
            callback();
          },
          (err: unknown) => {
            log.warn({ err: (err as Error).message }, 'email reply could not be stored; the sender retries');
            callback(smtpError(451, 'try again later'));
          },
        );
      });
    },
    onClose(session) {
      matches.delete(session.id);
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
